"""``pysfn compile --explain``: which lines of the entry run as states and which in Lambda.

Read from the IR (every node keeps its source line): a line runs *in Lambda* when it calls
a callee or when code of it was extracted (``compiler/extraction.py``, with the reason);
every other line is evaluated by the state machine itself (JSONata in a Pass, Choice or the
Arguments of a Task), at no Lambda cost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields, is_dataclass

from pysfn.compiler import ir


def _walk(node):
    """Every IR node under ``node`` (dataclass fields, tuples of nodes)."""
    yield node
    if is_dataclass(node):
        for f in fields(node):
            value = getattr(node, f.name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, tuple):  # (test, body) pairs of If, (name, expr) of kwargs
                    for sub in item:
                        if is_dataclass(sub) or isinstance(sub, tuple):
                            yield from _walk(sub)
                elif is_dataclass(item) and not isinstance(item, type):
                    yield from _walk(item)
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)


def explain(result) -> str:
    """A listing of the entry function: each line with where it runs."""
    workflow: ir.Workflow = result.workflow
    reasons = {e.key(result.module_name): ("extracted when a value is not a str, int, bool or None: "
                                           if e.guarded else "extracted: ") + e.reason
               for e in result.extractions}
    lambda_lines: dict[int, list[str]] = defaultdict(list)
    asl_lines: set[int] = set()
    service_lines: dict[int, list[str]] = defaultdict(list)  # aws.* calls: Tasks without Lambda
    for stmt in workflow.body:
        for node in _walk(stmt):
            loc = getattr(node, "loc", None)
            if loc is None or not hasattr(loc, "line"):
                continue
            if isinstance(node, ir.CalleeCall) and (node.service is not None or node.child is not None):
                note = ("calls " + node.service.resource.removeprefix("arn:aws:states:::") if node.child is None
                        else f"child execution of {node.callee} (states:startExecution.sync:2)")
                if note not in service_lines[loc.line]:
                    service_lines[loc.line].append(note)  # a service integration: a Task, no Lambda
            elif isinstance(node, ir.CalleeCall):
                note = reasons.get(node.callee, "extracted") if node.extracted else f"calls {node.callee}"
                if note not in lambda_lines[loc.line]:
                    lambda_lines[loc.line].append(note)
            else:
                asl_lines.add(loc.line)
    from pysfn.compiler.source_check import source_lines  # numbered as the tokenizer numbers them
    source = source_lines(result.source_path.read_text(encoding="utf-8")) \
        if result.source_path.exists() else []
    first, last = workflow.loc.line, max([workflow.loc.line] + list(asl_lines) + list(lambda_lines)
                                         + list(service_lines))
    width = max((len(source[n - 1].rstrip()) for n in range(first, last + 1) if n <= len(source)), default=0)
    width = min(width, 60)
    n_lambda = sum(1 for n in lambda_lines)
    n_extracted = len(result.extractions)
    from pysfn.compiler.cost import cost_line
    out = [f"{result.source_path.name}: {workflow.name}() -- {n_lambda} line(s) run in Lambda "
           f"({n_extracted} extracted), the rest in the state machine", cost_line(result.definition), ""]
    for n in range(first, last + 1):
        text = source[n - 1].rstrip() if n <= len(source) else ""
        if n in lambda_lines:
            where = "Lambda  " + "; ".join(lambda_lines[n])
        elif n in service_lines:
            where = "ASL     " + "; ".join(service_lines[n])
        elif n in asl_lines:
            where = "ASL"
        else:
            where = ""
        out.append(f"{n:5}  {text[:width]:<{width}}  {where}".rstrip())
    return "\n".join(out) + "\n"
