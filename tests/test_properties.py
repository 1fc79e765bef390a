"""Property tests: random inputs, native and compiled must agree (see differential.py)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import EXAMPLES, WORKFLOWS, comparable, import_workflow, run_native

# CI runs a fixed sample (derandomize) so a red build always means a change broke something;
# PYSFN_HYPOTHESIS_EXAMPLES=2000 explores further with fresh random inputs.
_EXPLORE = int(os.environ.get("PYSFN_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 40, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# Workflows with many states per run (loops): a smaller fixed sample keeps CI fast.
LONG_SETTINGS = settings(SETTINGS, max_examples=_EXPLORE or 15)

scalars = st.none() | st.booleans() | st.integers(-10, 10) | st.floats(-10, 10, allow_nan=False) \
    | st.text("abks ", max_size=4)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text("abk", max_size=2), inner, max_size=3), max_leaves=6)




def agree(compiled_workflow, path, inp):
    workflow = compiled_workflow(path)
    native = run_native(import_workflow(path), workflow.entry, inp)
    assert comparable(workflow.run(inp)) == comparable(native), f"input: {inp}"


@SETTINGS
@given(text=st.text("abcdAB eiou\t", max_size=12), style=st.none() | st.sampled_from(["long", "brief"]))
def test_example_agrees_on_any_text(compiled_workflow, text, style):
    inp = {"text": text} if style is None else {"text": text, "style": style}
    agree(compiled_workflow, EXAMPLES / "analyse_text.py", inp)


@SETTINGS
@given(x=st.integers(-200, 200) | st.floats(-200, 200, allow_nan=False) | st.booleans(),
       y=json_values, items=st.lists(scalars, max_size=4), text=st.text("as", max_size=3),
       box=st.none() | st.text("kx", max_size=3) | st.lists(st.text("k", max_size=1), max_size=2)
       | st.dictionaries(st.text("kx", max_size=1), scalars, max_size=2))
def test_conditions_agree_on_any_json(compiled_workflow, x, y, items, text, box):
    agree(compiled_workflow, WORKFLOWS / "wf_conditions.py", {"x": x, "y": y, "items": items, "text": text, "box": box})


@SETTINGS
@given(d=st.dictionaries(st.sampled_from(["a", "b", "xs", "s", "deep"]), json_values, max_size=5),
       i=st.integers(-3, 3), k=st.sampled_from(["a", "b", "zz"]))
def test_subscripts_agree_or_name_the_python_error(compiled_workflow, d, i, k):
    path = WORKFLOWS / "wf_subscripts.py"
    workflow = compiled_workflow(path)
    inp = {"d": d, "i": i, "k": k}
    native = run_native(import_workflow(path), workflow.entry, inp)
    machine = workflow.run(inp)
    if native["status"] == "SUCCEEDED":
        assert comparable(machine) == comparable(native), f"input: {inp}"
    else:  # documented difference: the machine's error names the Python one in its cause
        assert machine["status"] == "FAILED", f"input: {inp}"
        assert machine["error"] in ("States.QueryEvaluationError", "States.Runtime"), machine
        assert native["error"] in machine["cause"], (machine, native)


@LONG_SETTINGS
@given(xs=st.lists(json_values, max_size=4) | json_values, n=st.integers(-3, 6) | st.booleans(),
       d=st.dictionaries(st.text("abk", max_size=2), json_values, max_size=3), text=st.text("ab é", max_size=5))
def test_loops_agree_on_any_json(compiled_workflow, xs, n, d, text):
    """for over any value (list, dict, str, or what CPython refuses to iterate), range, items."""
    agree(compiled_workflow, WORKFLOWS / "wf_loops.py", {"xs": xs, "n": n, "d": d, "text": text, "limit": 2})


@LONG_SETTINGS
@given(key=st.text("kn", max_size=2), index=st.integers(-6, 6) | st.booleans() | st.none(),
       value=json_values, count=st.integers(-5, 5),
       op=st.sampled_from(["all", "unpack", "bad-index", "bad-key", "pop-empty", "append-to-dict"]))
def test_changes_in_place_agree(compiled_workflow, key, index, value, count, op):
    agree(compiled_workflow, WORKFLOWS / "wf_changes.py",
          {"key": key, "index": index, "value": value, "count": count, "op": op})
