"""SVG of a state machine without Graphviz: a small layered layout of our own.

``pysfn graph --format svg`` uses Graphviz's ``dot`` when it is installed (a better layout);
without it, this module draws the same ``graph.Graph``: ranks by longest path from the start
(edges that go back, loops, are left out of the ranking and drawn as curves), nodes of a rank
side by side in the order they were first reached (then moved under their predecessors), edges
as straight arrows, Parallel branches and Map processors as dashed boxes around their states.
Plain Python and the standard library only, so it works on any machine; the output is the same
for the same definition (no randomness, no clock).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

CHAR_WIDTH = 6.6     # Helvetica 10 px, average
LINE_HEIGHT = 14
RANK_GAP = 56
NODE_GAP = 28
MARGIN = 24
BOLD = ' font-weight="bold"'


def _size(label: str, kind: str) -> tuple[float, float]:
    if kind == "point":
        return 8.0, 8.0
    lines = label.split("\n") or [""]
    width = max(len(line) for line in lines) * CHAR_WIDTH + 20
    height = len(lines) * LINE_HEIGHT + 12
    if kind == "Choice":  # a diamond holds its text in the middle half
        width, height = width * 1.5, height * 1.6
    return max(width, 40.0), height


def _ranks(nodes: list[str], edges: list[tuple[str, str]], start: str) -> tuple[dict[str, int], set]:
    """Longest-path ranks over the edges that do not close a loop (found by a DFS from start)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    back, state, order = set(), {}, []
    roots = [start] + [n for n in nodes if n != start]
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                order.append(node)
                stack.pop()
            elif state.get(child) == "open":
                back.add((node, child))
            elif child not in state:
                state[child] = "open"
                stack.append((child, iter(succ[child])))
    rank = {n: 0 for n in nodes}
    for node in reversed(order):  # reverse post-order: a topological order of the forward edges
        for child in succ[node]:
            if (node, child) not in back:
                rank[child] = max(rank[child], rank[node] + 1)
    return rank, back


def render(graph, taken_nodes: set, taken_edges: set, highlight: str, start: str) -> bytes:
    nodes = list(graph.nodes)
    edge_pairs = [(a, b) for a, b, _, _ in graph.edges]
    rank, back = _ranks(nodes, edge_pairs, start)
    sizes = {n: _size(*graph.nodes[n]) for n in nodes}
    rows: dict[int, list[str]] = {}
    for n in nodes:
        rows.setdefault(rank[n], []).append(n)
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edge_pairs:
        if (a, b) not in back:
            preds[b].append(a)
    # x: each row left to right, then one pass placing nodes under the mean of their predecessors
    x: dict[str, float] = {}
    y: dict[str, float] = {}
    top = MARGIN
    for r in sorted(rows):
        row = rows[r]
        if r > 0:
            row.sort(key=lambda n: sum(x[p] for p in preds[n] if p in x) / max(1, len([p for p in preds[n] if p in x])))
        height = max(sizes[n][1] for n in row)
        left = 0.0
        for n in row:
            wanted = [x[p] for p in preds[n] if p in x]
            centre = max(left + sizes[n][0] / 2, sum(wanted) / len(wanted) if wanted else 0.0)
            x[n] = centre
            left = centre + sizes[n][0] / 2 + NODE_GAP
            y[n] = top + height / 2
        top += height + RANK_GAP
    shift = MARGIN - min(x[n] - sizes[n][0] / 2 for n in nodes)
    for n in nodes:
        x[n] += shift
    width = max(x[n] + sizes[n][0] / 2 for n in nodes) + MARGIN
    height = top - RANK_GAP + MARGIN

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="10">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    for cid, title, members in graph.clusters:
        xs = [x[m] - sizes[m][0] / 2 for m in members] + [x[m] + sizes[m][0] / 2 for m in members]
        ys = [y[m] - sizes[m][1] / 2 for m in members] + [y[m] + sizes[m][1] / 2 for m in members]
        x0, y0, x1, y1 = min(xs) - 10, min(ys) - 22, max(xs) + 10, max(ys) + 8
        out.append(f'<g class="cluster" id="{escape(cid)}"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                   f'height="{y1 - y0:.1f}" rx="8" fill="none" stroke="#999" stroke-dasharray="4 3"/>'
                   f'<text x="{x0 + 6:.1f}" y="{y0 + 13:.1f}" fill="#555">{escape(title)}</text></g>')
    for a, b, label, style in graph.edges:
        on = (a, b) in taken_edges
        colour, pen = (highlight, 2.5) if on else ("#444", 1.0)
        dash = ' stroke-dasharray="5 3"' if style in ("dashed", "dotted") else ""
        (ax, ay), (bx, by) = (x[a], y[a]), (x[b], y[b])
        if (a, b) in back or by <= ay:  # a loop: out of the right side, back in from the right
            sx, sy, tx, ty = ax + sizes[a][0] / 2, ay, bx + sizes[b][0] / 2, by
            bend = max(sx, tx) + 40
            path = f"M {sx:.1f} {sy:.1f} C {bend:.1f} {sy:.1f} {bend:.1f} {ty:.1f} {tx:.1f} {ty:.1f}"
            lx, ly = bend, (sy + ty) / 2
        else:
            sx, sy, tx, ty = ax, ay + sizes[a][1] / 2, bx, by - sizes[b][1] / 2
            path = f"M {sx:.1f} {sy:.1f} L {tx:.1f} {ty:.1f}"
            lx, ly = (sx + tx) / 2 + 4, (sy + ty) / 2
        out.append(f'<g class="edge" data-from="{escape(a)}" data-to="{escape(b)}"><path d="{path}" fill="none" '
                   f'stroke="{colour}" stroke-width="{pen}"{dash} marker-end="url(#arrow)"/>'
                   + (f'<text x="{lx:.1f}" y="{ly:.1f}" fill="#333">{escape(label)}</text>' if label else "")
                   + "</g>")
    for n in nodes:
        label, kind = graph.nodes[n]
        w, h = sizes[n]
        cx, cy = x[n], y[n]
        on = n in taken_nodes
        stroke, pen = (highlight, 2.5) if on else ("#222", 1.0)
        common = f'fill="{"#f3faf3" if on else "white"}" stroke="{stroke}" stroke-width="{pen}"'
        if kind == "point":
            shape = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{stroke}"/>'
        elif kind == "Choice":
            shape = (f'<polygon points="{cx:.1f},{cy - h / 2:.1f} {cx + w / 2:.1f},{cy:.1f} {cx:.1f},{cy + h / 2:.1f} '
                     f'{cx - w / 2:.1f},{cy:.1f}" {common}/>')
        elif kind == "terminal":
            shape = f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" rx="{w / 2:.1f}" ry="{h / 2:.1f}" {common}/>'
        else:
            rx = 10 if kind == "Succeed" else 0
            extra = ' stroke-dasharray="2 1"' if kind == "Fail" else ""
            shape = (f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
                     f'{common}{extra}/>')
        lines = label.split("\n") if label else []
        first = cy - (len(lines) - 1) * LINE_HEIGHT / 2 + 3.5
        text = "".join(f'<text x="{cx:.1f}" y="{first + i * LINE_HEIGHT:.1f}" text-anchor="middle"'
                       f'{BOLD if i == 0 else ""}>{escape(line)}</text>' for i, line in enumerate(lines))
        out.append(f'<g class="node" id="{escape(n)}"><title>{escape(n)}</title>{shape}{text}</g>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")
