"""A loop that only computes is one state (compiler/loop_folding.py): its transitions do not grow
with its items, it is exact (tests/workflows/wf_pure_loops.py runs it in every engine), and it is
left as states where folding would not be exact."""

from __future__ import annotations

import textwrap

import pytest

from pysfn.compiler.loop_folding import MAX_ITEMS
from pysfn.runner import LocalWorkflow


def _workflow(tmp_path, body: str, params: str = "xs") -> LocalWorkflow:
    name = "".join(c if c.isalnum() else "_" for c in tmp_path.name)
    path = tmp_path / f"flow_{name}.py"  # one module name per test: they share sys.modules
    path.write_text("import pysfn as PSF\n\n\ndef work(x):\n    return x\n\n\n@PSF.main\n"
                    f"def flow({params}):\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return LocalWorkflow.from_source(path)


SUMS = """\
total = 0
evens = []
for x in xs:
    if x in [1, 3, 5, 7]:
        continue
    if x > 50:
        break
    total += x
    evens.append(x)
return [total, evens]
"""


def test_a_small_computing_loop_costs_the_same_for_one_item_and_fifty(tmp_path):
    workflow = _workflow(tmp_path, SUMS)
    small, large = workflow.run({"xs": [2]}), workflow.run({"xs": list(range(MAX_ITEMS))})
    assert small.output == [2, [2]]
    kept = [x for x in range(MAX_ITEMS) if x not in [1, 3, 5, 7]]
    assert large.output == [sum(kept), kept]
    assert small.record.transitions == large.record.transitions <= 3


def test_a_large_loop_walks_the_states_within_the_expression_budget(tmp_path):
    """One JSONata evaluation has one second (AWS, and pysfn.local): 500 items of this body took
    longer folded in jsonata-python. Over MAX_ITEMS the loop's own states run, as before."""
    workflow = _workflow(tmp_path, SUMS)
    xs = list(range(600))
    kept = [x for x in xs if x not in [1, 3, 5, 7] and x <= 50]
    result = workflow.run({"xs": xs})
    assert result.output == [sum(kept), kept]
    assert result.record.transitions > 100


@pytest.mark.parametrize("why, body", [
    ("a callee in the body", "out = []\nfor x in xs:\n    out.append(work(x))\nreturn out"),
    ("a return in the body", "for x in xs:\n    if x:\n        return x\nreturn None"),
    ("read after it, not assigned before it", "for x in xs:\n    y = x\nreturn y"),
    ("a comprehension in the body (its items multiply the work)",
     "out = []\nfor x in xs:\n    out.append([x for _ in xs])\nreturn out[-1][0]"),
])
def test_a_loop_that_cannot_fold_keeps_its_states(tmp_path, why, body):
    workflow = _workflow(tmp_path, body)
    assert not any(name.startswith("Loop_") for name in workflow.definition["States"]), why
    assert workflow.run({"xs": [3, 4]}).output in (3, 4, [3, 4])


def test_an_error_inside_a_folded_loop_names_the_python_error(tmp_path):
    result = _workflow(tmp_path, SUMS).run({"xs": [2, "x"]})
    assert result.status == "FAILED"
    assert "TypeError: '>' not supported between instances of 'str' and 'int'" in result.cause


def test_a_folded_loop_is_readable_and_linear(tmp_path):
    """The body's text is in the state once: ten loops of ten statements are ten times one."""
    one = "t0 = 0\nfor x in xs:\n" + "".join(f"    t0 = t0 + {k}\n" for k in range(10))
    body = "".join(one.replace("t0", f"t{n}") for n in range(10)) + "return [" + ", ".join(
        f"t{n}" for n in range(10)) + "]\n"
    import json
    size_one = len(json.dumps(_workflow(tmp_path, one + "return t0\n").definition))
    size_ten = len(json.dumps(_workflow(tmp_path, body).definition))
    assert size_ten < 12 * size_one
