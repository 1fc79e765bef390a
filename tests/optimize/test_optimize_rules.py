"""Each optimizer rule on its fixtures (tests/optimize/fixtures/<rule>.json): input ASL -> expected ASL.

A fixture case is a small machine before and after the rule (alone). Both must be valid ASL,
the rule must turn the one into the other exactly, and both must give the same result on
each of the case's inputs, run in the oracle (moto's interpreter) and in pysfn.local, with a
Lambda that echoes its payload; the rewritten machine never enters more states. The whole
optimizer is checked on real workflows by the differential suite (tests/test_differential.py).
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from pathlib import Path

import pytest

from pysfn.asl.validator import validate
from pysfn.compiler.optimize import RULES, WHOLE_DEFINITION
from pysfn.compiler.optimize.machine import each_machine
from pysfn.local import run_definition

sys.path.insert(0, str(Path(__file__).parent.parent))
import oracle  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
RULE_MODULES = sorted(p.stem for p in FIXTURES.glob("*.json"))
CASES = [pytest.param(name, i, id=f"{name}-{i}")
         for name in RULE_MODULES for i in range(len(json.loads((FIXTURES / f"{name}.json").read_text())["cases"]))]


def _case(name: str, i: int) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["cases"][i]


def _apply(name: str, definition: dict) -> dict:
    rule = importlib.import_module(f"pysfn.compiler.optimize.{name}").rule
    out = copy.deepcopy(definition)
    if rule in WHOLE_DEFINITION:
        rule(out)
    else:
        each_machine(out, rule)
    return out


def _echo(name, payload):
    return {"ok": payload}


def test_every_rule_has_a_fixture_and_is_in_the_list():
    modules = {r.__module__.rsplit(".", 1)[-1] for r in RULES}
    assert modules == set(RULE_MODULES)


@pytest.mark.parametrize("name, i", CASES)
def test_rule_rewrites_its_fixture(name, i):
    case = _case(name, i)
    assert validate(case["input"]) == [] and validate(case["expected"]) == []
    assert _apply(name, case["input"]) == case["expected"], case["name"]


@pytest.mark.parametrize("name, i", CASES)
def test_rewritten_fixture_means_the_same(name, i):
    case = _case(name, i)
    for inp in case["runs"]:
        before = oracle.execute(case["input"], inp, _echo)
        after = oracle.execute(case["expected"], inp, _echo)
        keep = ("status", "output", "error")  # (a cause names the state that failed)
        assert {k: after.get(k) for k in keep} == {k: before.get(k) for k in keep}, (case["name"], inp)
        assert after["transitions"] <= before["transitions"]
        local_before = run_definition(case["input"], inp, _echo)
        local_after = run_definition(case["expected"], inp, _echo)
        assert (local_after.status, local_after.output, local_after.error) == \
            (local_before.status, local_before.output, local_before.error), (case["name"], inp)


def test_continue_goes_straight_to_the_next_iteration():
    """No rule needed: the lowering sends `continue` to the loop's Choice itself, and after the
    rules the `if` that continues is a rule of that Choice (one state per skipped item)."""
    from pysfn.compiler import compile_source
    source = ("import pysfn as PSF\n\ndef f(x):\n    return x\n\n@PSF.main\ndef w(xs: list):\n"
              "    for x in xs:\n        if x == 1:\n            continue\n        f(x)\n    return 0\n")
    states = compile_source(source, "w.py").definition["States"]
    loop = next(name for name in states if name.startswith("For_"))
    skip = [r for r in states[loop]["Choices"] if r["Next"] == loop]
    assert len(skip) == 1 and "x" in skip[0]["Assign"]  # the skipped item: straight back to the loop
    run = oracle.execute(compile_source(source, "w.py").definition, {"xs": [1, 1, 1]}, _echo)
    # the check (with the loop's start folded in), 3 skipped items and the end test, the return
    assert run["status"] == "SUCCEEDED" and run["transitions"] == 1 + 4 + 1



def _message(cause: str) -> str:
    """A Cause without what names the place (the state's event id, the expression's text, which
    the rewrite changed) -- the message the program sees."""
    import re
    cause = re.sub(r"^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. ", "", cause)
    return re.sub(r"^The JSONata expression .* specified for the field '[^']*' threw an error: ", "", cause, flags=re.S)


@pytest.mark.parametrize("inp", [{"n": "Straße"}, {"n": [1]}, {}, [1], "x", {"m": 1}])
def test_a_first_task_that_checks_the_input_fails_as_before(inp):
    """input_check's first-Task form on the runs that fail: a bad input (its guarded kwargs are
    undefined, the catcher leads to the check: its TypeError), and an Arguments expression of the
    Task failing on a good input (``$n + 0``: the check passes, the execution fails again with the
    same Error and Cause). Each takes one or two transitions more (the fixture's good runs, one
    less); no Lambda is called."""
    case = next(c for c in json.loads((FIXTURES / "input_check.json").read_text(encoding="utf-8"))["cases"]
                if "own failing argument" in c["name"])
    before, after = oracle.execute(case["input"], inp, _echo), oracle.execute(case["expected"], inp, _echo)
    assert before["status"] == after["status"] == "FAILED"
    assert (after["error"], _message(after["cause"])) == (before["error"], _message(before["cause"]))
    local_before, local_after = run_definition(case["input"], inp, _echo), run_definition(case["expected"], inp, _echo)
    assert local_before.status == local_after.status == "FAILED"
    assert (local_after.error, _message(local_after.cause)) == (local_before.error, _message(local_before.cause))
    assert local_after.record.lambda_invocations == local_before.record.lambda_invocations == 0
