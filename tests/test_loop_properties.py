"""Random computing loops (hypothesis) give CPython's result -- values, the loop variables after
the loop, errors -- in pysfn.local.

Programs are built from statement templates over a few names (readable when shrunk): nested
loops, if/elif/else, continue and break at any depth, swaps, appends, a loop's else."""

from __future__ import annotations

import os
import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import comparable, run_native
from pysfn.runner import LocalWorkflow

_EXPLORE = int(os.environ.get("PYSFN_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 25, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SIMPLE = ["a = a + {v}", "b = b - {v}", "out.append({v})", "a, b = b, a", "a = a + 1", "out.append([a, {v}])",
          "b = {v} if a > b else b", "out = out + [{v}]"]
TESTS = ["{v} > a", "{v} == b", "a > 3", "{v} in out", "not out", "b < {v}"]


@st.composite
def body(draw, var: str, depth: int) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["simple", "simple", "if", "exit", "loop"] if depth else ["simple", "if", "exit"]))
        if kind == "simple":
            lines.append(draw(st.sampled_from(SIMPLE)).format(v=var))
        elif kind == "exit":
            lines.append(f"if {draw(st.sampled_from(TESTS)).format(v=var)}:\n"
                         f"    {draw(st.sampled_from(['continue', 'break']))}")
        elif kind == "if":
            text = f"if {draw(st.sampled_from(TESTS)).format(v=var)}:\n{_indent(draw(body(var, 0)))}\n"
            if draw(st.booleans()):
                text += f"elif {draw(st.sampled_from(TESTS)).format(v=var)}:\n{_indent(draw(body(var, 0)))}\n"
            if draw(st.booleans()):
                text += f"else:\n{_indent(draw(body(var, 0)))}\n"
            lines.append(text.rstrip())
        else:
            lines.append(draw(loop(depth - 1, "y")))
    return "\n".join(lines)


@st.composite
def loop(draw, depth: int, var: str) -> str:
    header = draw(st.sampled_from([f"for {var} in xs:", f"for {var} in range(n):", f"for i, {var} in enumerate(xs):",
                                   f"for {var} in reversed(xs):"]))
    text = f"{header}\n{_indent(draw(body(var, depth)))}"
    if draw(st.booleans()):
        text += f"\nelse:\n    out.append('done')"
    return text


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")


PROGRAM = """\
import pysfn as PSF


@PSF.main
def flow(xs, n):
    a = 0
    b = 10
    x = None
    y = None
    i = None
    out = []
{loops}
    return {{"a": a, "b": b, "out": out, "x": x, "y": y, "i": i}}
"""

_counter = [0]


@SETTINGS
@given(loops=st.lists(loop(1, "x"), min_size=1, max_size=2),
       xs=st.lists(st.one_of(st.integers(-3, 12), st.sampled_from([2.5, 0.5, "s"])), max_size=6),  # (a whole float in the input is an int)
       n=st.integers(0, 4))
def test_a_random_computing_loop_gives_pythons_result(tmp_path_factory, loops, xs, n):
    _counter[0] += 1
    folder = tmp_path_factory.mktemp("loops")
    path = folder / f"loops_{_counter[0]}.py"
    path.write_text(PROGRAM.format(loops=_indent("\n".join(loops))))
    workflow = LocalWorkflow.from_source(path)
    import importlib.util
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    native = run_native(module, "flow", {"xs": xs, "n": n})
    result = workflow.run({"xs": xs, "n": n})
    local = {"status": result.status, "output": result.output} if result.status == "SUCCEEDED" else \
        {"status": result.status, "error": result.error, "cause": result.cause}
    assert comparable(local) == comparable(native), path.read_text()
