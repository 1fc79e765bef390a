"""Guarded statements (compiler/guards.py): a change made with str() of a value whose type is
known only at run time is built in the machine for a str, int, bool or None, and in the
dispatcher Lambda otherwise -- both as CPython writes it (tests/workflows/wf_guarded_text.py
runs every case in every engine); here: which statements are guarded, and what it costs."""

from __future__ import annotations

import textwrap

import pytest

from pysfn.compiler import compile_file
from pysfn.runner import LocalWorkflow


def _source(tmp_path, body: str) -> object:
    name = "".join(c if c.isalnum() else "_" for c in tmp_path.name)
    path = tmp_path / f"guarded_{name}.py"  # one module name per test: they share sys.modules
    path.write_text("import pysfn as PSF\n\n\ndef get(x):\n    return x\n\n\n@PSF.main\n"
                    "def flow(xs, d=None):\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return path


APPEND = """\
lines = []
for x in xs:
    v = get(x)
    lines.append(f"v={v}")
return lines
"""


def test_exact_values_need_no_lambda_call_and_others_run_in_python(tmp_path):
    workflow = LocalWorkflow.from_source(_source(tmp_path, APPEND))
    exact = workflow.run({"xs": [1, "a", None, True]})
    assert exact.output == ["v=1", "v=a", "v=None", "v=True"]
    assert exact.record.callees == ["get"] * 4  # the text: no extracted call
    assert not any(c.extracted for c in exact.record.lambda_calls)
    other = workflow.run({"xs": [2.5, [1], {"a": 1}]})
    assert other.output == ["v=2.5", "v=[1]", "v={'a': 1}"]
    assert sum(c.extracted for c in other.record.lambda_calls) == 3


def test_the_guard_costs_no_transition_for_exact_values(tmp_path):
    """The test merges with the loop's own Choice: fewer states per item than the extracted
    statement (a Task) had; a float costs the test on top of the Task."""
    workflow = LocalWorkflow.from_source(_source(tmp_path, APPEND))
    one, three = workflow.run({"xs": [1]}), workflow.run({"xs": [1, 2, 3]})
    per_item = (three.record.transitions - one.record.transitions) / 2
    assert per_item == 2  # the callee's Task and the Choice that appends and tests the next item


@pytest.mark.parametrize("why, body", [
    ("a plain assignment: the extracted Task assigns it itself", "v = get(xs)\ns = f'{v}'\nreturn s"),
    ("a return: the extracted Task ends the machine itself", "v = get(xs)\nreturn f'{v}'"),
    ("a raise: the extracted Task leads to the Fail itself",
     "v = get(xs)\nif v:\n    raise ValueError(f'{v}')\nreturn 1"),
    ("an argument of a callee: its Task follows the extracted one", "v = get(xs)\nreturn get(f'{v}')"),
    ("caught where it can fail: the handler must see Python's error",
     "out = []\ntry:\n    out.append(f\"{d['k']}\")\nexcept KeyError:\n    pass\nreturn out"),
    ("a format spec: no exact form for any value", "out = []\nout.append(f'{xs:>3}')\nreturn out"),
])
def test_not_guarded(tmp_path, why, body):
    compiled = compile_file(_source(tmp_path, body))
    assert compiled.extractions and not any(e.guarded for e in compiled.extractions), why


def test_a_value_that_can_fail_is_tested_only_when_nothing_before_it_can(tmp_path):
    """``d['k']`` is evaluated first by the test: right when it is the statement's only fallible
    part; with ``len(d['j'])`` (an int: not tested) before it, CPython's first error could differ."""
    alone = compile_file(_source(tmp_path, "out = []\nout.append(f\"{d['k']}\")\nreturn out"))
    assert [e.guarded for e in alone.extractions] == [True]
    (tmp_path / "second").mkdir()
    after = compile_file(_source(tmp_path / "second",
                                 "out = []\nout.append(f\"{len(d['j'])} {d['k']}\")\nreturn out"))
    assert [e.guarded for e in after.extractions] == [False]


def test_explain_says_when_the_lambda_runs(tmp_path):
    from pysfn.compiler.explain import explain
    text = explain(compile_file(_source(tmp_path, APPEND)))
    line = next(t for t in text.splitlines() if "lines.append" in t)
    assert "extracted when a value is not a str, int, bool or None" in line


def test_a_value_of_a_comprehension_is_not_tested_before_it(tmp_path):
    """``x`` in ``[f"{x}" for x in xs]`` is the comprehension's own: a test before the statement
    would read the workflow's ``x``; the statement is extracted whole (2.5 stays "2.5")."""
    body = "x = 1\nout = []\nout.append([f'{x}' for x in xs])\nreturn out"
    compiled = compile_file(_source(tmp_path, body))
    assert not any(e.guarded for e in compiled.extractions)
    assert LocalWorkflow.from_source(_source(tmp_path, body)).run({"xs": [2.5, 1]}).output == [["2.5", "1"]]
