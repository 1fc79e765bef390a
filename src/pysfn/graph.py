"""Pictures of a state machine: Mermaid, Graphviz DOT and SVG (Graphviz's layout when ``dot`` is
installed, else pysfn's own, ``pysfn/svg.py``).

Each state is labelled with its name, its type and the source line it came from (the
``Comment`` pysfn writes, ``file:line code``); Parallel branches and Map processors are drawn
as clusters. Given the path of an execution (the states it entered), those states and the
edges between them are highlighted.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

START, END, FAILED = "__start__", "__end__", "__failed__"
HIGHLIGHT = "#2e7d32"


@dataclass
class Graph:
    """Nodes, edges and clusters of a definition, independent of the output format."""
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)   # id -> (label, state type)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # (from, to, label, style)
    clusters: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (id, title, node ids)


LABEL_CHARS = 70


def _label(name: str, state: dict) -> str:
    comment = state.get("Comment", "")
    source = comment.split("; then ")[0] if comment else ""
    if len(source) > LABEL_CHARS:  # cut, and say so
        source = source[:LABEL_CHARS - 1].rstrip() + "…"
    return f"{name} ({state['Type']})" + (f"\n{source}" if source else "")


def _errors(rule: dict) -> str:
    errors = rule["ErrorEquals"]
    return ", ".join(errors[:2]) + (f" +{len(errors) - 2}" if len(errors) > 2 else "")


def _add_machine(graph: Graph, machine: dict, prefix: str, entry: str, exit_: str,
                 entry_label: str = "", failed: str | None = None) -> list[str]:
    """Add a (sub)machine's states; ``entry`` leads to StartAt, ends lead to ``exit_`` (a Fail
    state to ``failed`` when given: the top-level machine has its own "failed" end)."""
    ids = []
    node = lambda name: f"{prefix}{name}"  # noqa: E731 - state names are unique, prefix keeps it safe
    graph.edges.append((entry, node(machine["StartAt"]), entry_label, "dotted" if entry_label else "solid"))
    for name, state in machine["States"].items():
        graph.nodes[node(name)] = (_label(name, state), state["Type"])
        ids.append(node(name))
        if "Next" in state:
            graph.edges.append((node(name), node(state["Next"]), "", "solid"))
        for i, rule in enumerate(state.get("Choices", [])):
            graph.edges.append((node(name), node(rule["Next"]), f"rule {i + 1}", "solid"))
        if "Default" in state:
            graph.edges.append((node(name), node(state["Default"]), "default", "solid"))
        for rule in state.get("Catch", []):
            graph.edges.append((node(name), node(rule["Next"]), f"catch {_errors(rule)}", "dashed"))
        if state["Type"] == "Fail":
            graph.edges.append((node(name), failed or exit_, "" if failed else "fail", "solid"))
        elif state.get("End") or state["Type"] == "Succeed":
            graph.edges.append((node(name), exit_, "", "solid"))
        subs = [(f"branch {i + 1}", b) for i, b in enumerate(state.get("Branches", []))]
        if "ItemProcessor" in state:
            subs.append(("each item", state["ItemProcessor"]))
        after = node(state["Next"]) if "Next" in state else exit_
        for title, sub in subs:
            # A branch hangs off its Parallel/Map state and rejoins where that state goes next.
            cluster = f"cluster_{len(graph.clusters)}"
            join = f"{cluster}_out"
            graph.nodes[join] = ("", "point")
            members = _add_machine(graph, sub, prefix, node(name), join, title)
            graph.edges.append((join, after, "", "dotted"))
            graph.clusters.append((cluster, f"{name}: {title}", members + [join]))
    return ids


def _has_fail(machine: dict) -> bool:
    return any(state["Type"] == "Fail" for state in machine["States"].values())


def build(definition: dict) -> Graph:
    graph = Graph()
    graph.nodes[START] = ("start", "terminal")
    graph.nodes[END] = ("end", "terminal")
    if _has_fail(definition):  # Fail states end in their own node, not in "end"
        graph.nodes[FAILED] = ("failed", "terminal")
    _add_machine(graph, definition, "", START, END, failed=FAILED if FAILED in graph.nodes else None)
    return graph


def _taken(graph: Graph, path: list[str] | None) -> tuple[set[str], set[tuple[str, str]]]:
    """The nodes and edges of a run's path. The path lists states only; between two of them the
    drawing may pass through join points (where a branch or a Map iteration rejoins): those are
    followed too, so the way out of a Parallel or Map is highlighted."""
    if not path:
        return set(), set()
    succ: dict[str, list[str]] = {}
    for a, b, _, _ in graph.edges:
        succ.setdefault(a, []).append(b)
    last = path[-1]
    end = FAILED if FAILED in graph.nodes and FAILED in succ.get(last, []) else END
    steps = [START] + list(path) + [end]
    nodes, edges = set(path) | {START}, set()
    for a, b in zip(steps, steps[1:]):
        route = _route(succ, graph, a, b)
        for x, y in zip(route, route[1:]):
            edges.add((x, y))
            nodes.add(y)
    # Branches run one after the other in the path: every branch entered (its Parallel or Map
    # state and its first state both in the path) and every branch left through its join point.
    entered = set(path) | {end}
    for a, b, _, style in graph.edges:
        if a in entered and b in entered and style == "dotted":
            edges.add((a, b))
        elif a in entered and graph.nodes.get(b, ("", ""))[1] == "point":
            for c in succ.get(b, []):
                if c in entered:
                    edges |= {(a, b), (b, c)}
                    nodes.add(b)
    return nodes, edges


def _route(succ: dict, graph: Graph, a: str, b: str) -> list[str]:
    """``[a, b]`` when an edge joins them, else the shortest way through join points only."""
    if b in succ.get(a, []):
        return [a, b]
    queue, seen = [[a]], {a}
    while queue:
        route = queue.pop(0)
        for nxt in succ.get(route[-1], []):
            if nxt == b:
                return route + [b]
            if nxt not in seen and graph.nodes.get(nxt, ("", ""))[1] == "point":
                seen.add(nxt)
                queue.append(route + [nxt])
    return []


def _escape_dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(definition: dict, path: list[str] | None = None) -> str:
    graph = build(definition)
    taken_nodes, taken_edges = _taken(graph, path)
    shapes = {"Choice": "diamond", "terminal": "oval", "point": "point", "Fail": "octagon",
              "Succeed": "box"}
    in_cluster = {n for _, _, members in graph.clusters for n in members}
    lines = ["digraph statemachine {", '  node [shape=box, fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']

    def node_line(nid: str) -> str:
        label, kind = graph.nodes[nid]
        attrs = [f'label="{_escape_dot(label)}"', f"shape={shapes.get(kind, 'box')}"]
        if kind == "Succeed":
            attrs.append('style="rounded,bold"')
        if nid in taken_nodes:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=2.5"]
        return f'  "{nid}" [{", ".join(attrs)}];'
    lines += [node_line(n) for n in graph.nodes if n not in in_cluster]
    for cid, title, members in graph.clusters:
        lines.append(f'  subgraph "{cid}" {{ label="{_escape_dot(title)}"; style=rounded;')
        lines += ["  " + node_line(n) for n in members]
        lines.append("  }")
    for a, b, label, style in graph.edges:
        attrs = [f'label="{_escape_dot(label)}"'] if label else []
        if style in ("dashed", "dotted"):
            attrs.append(f"style={style}")
        if (a, b) in taken_edges:
            attrs += [f'color="{HIGHLIGHT}"', "penwidth=2.5"]
        lines.append(f'  "{a}" -> "{b}"' + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_id(nid: str) -> str:
    return "n_" + nid.replace("-", "_")


def _escape_mermaid(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", "<br/>"))


def to_mermaid(definition: dict, path: list[str] | None = None) -> str:
    graph = build(definition)
    taken_nodes, taken_edges = _taken(graph, path)
    shapes = {"Choice": ('{"', '"}'), "terminal": ('(["', '"])'), "point": ('((" ', ' "))'),
              "Fail": ('[["', '"]]'), "Succeed": ('(["', '"])')}
    in_cluster = {n for _, _, members in graph.clusters for n in members}
    lines = ["flowchart TD"]

    def node_line(nid: str) -> str:
        label, kind = graph.nodes[nid]
        left, right = shapes.get(kind, ('["', '"]'))
        return f"    {_mermaid_id(nid)}{left}{_escape_mermaid(label) or ' '}{right}"
    lines += [node_line(n) for n in graph.nodes if n not in in_cluster]
    for cid, title, members in graph.clusters:
        lines.append(f'    subgraph {cid}["{_escape_mermaid(title)}"]')
        lines += ["    " + node_line(n) for n in members]
        lines.append("    end")
    highlighted = []
    for i, (a, b, label, style) in enumerate(graph.edges):
        arrow = "-.->" if style in ("dashed", "dotted") else "-->"
        text = f"|{_escape_mermaid(label)}|" if label else ""
        lines.append(f"    {_mermaid_id(a)} {arrow}{text} {_mermaid_id(b)}")
        if (a, b) in taken_edges:
            highlighted.append(str(i))
    lines.append(f"    classDef taken stroke:{HIGHLIGHT},stroke-width:3px")
    for nid in graph.nodes:
        if nid in taken_nodes:
            lines.append(f"    class {_mermaid_id(nid)} taken")
    if highlighted:
        lines.append(f"    linkStyle {','.join(highlighted)} stroke:{HIGHLIGHT},stroke-width:3px")
    return "\n".join(lines) + "\n"


def to_svg(dot_text: str) -> bytes | None:
    """SVG via Graphviz's ``dot``, or None when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    return subprocess.run([dot, "-Tsvg"], input=dot_text.encode(), capture_output=True, check=True).stdout


def to_svg_builtin(definition: dict, path: list[str] | None = None) -> bytes:
    """SVG drawn by pysfn itself (``pysfn/svg.py``): no Graphviz needed."""
    from pysfn import svg
    graph = build(definition)
    taken_nodes, taken_edges = _taken(graph, path)
    return svg.render(graph, taken_nodes, taken_edges, HIGHLIGHT, START)


def svg_document(definition: dict, path: list[str] | None = None, renderer: str = "auto") -> bytes:
    """SVG of the machine: Graphviz's layout when ``dot`` is installed (``renderer="auto"`` or
    ``"graphviz"``), else (or with ``"builtin"``) pysfn's own."""
    if renderer != "builtin":
        svg = to_svg(to_dot(definition, path))
        if svg is not None:
            return svg
        if renderer == "graphviz":
            raise FileNotFoundError("Graphviz's 'dot' command is not installed (apt-get install graphviz, "
                                    "brew install graphviz)")
    return to_svg_builtin(definition, path)
