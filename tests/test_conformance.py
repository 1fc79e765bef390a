"""``pysfn.local`` against the conformance corpus: 740 executions recorded on real AWS Step
Functions (``<repo>/../shared/conformance``, LocalStack's validated parity tests; see its README).

Every case runs: JSONata, mixed and JSONPath machines. The comparison is the corpus's own
``check`` (status, output, error, cause word for word, and the states entered). Cases this
interpreter is known not to reproduce are listed in ``KNOWN_DIFFERENCES`` with the reason; the
test fails if any other case differs, if a listed case starts passing (remove it from the list),
or if the score drops below the target.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pysfn.local import run_definition

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
TARGET = 0.99

# id -> why pysfn.local does not reproduce AWS's recording (empty: every case passes)
KNOWN_DIFFERENCES: dict[str, str] = {}


def _runner():
    if not (CORPUS / "run_conformance.py").is_file():
        pytest.fail(f"the conformance corpus is missing: expected {CORPUS} (shared/ beside the checkout)")
    spec = importlib.util.spec_from_file_location("run_conformance", CORPUS / "run_conformance.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_conformance", module)
    spec.loader.exec_module(module)
    return module


def execute(definition, inp, lambda_stub, workflow_type="STANDARD") -> dict:
    """The corpus's adapter contract; ``states_entered`` from the execution's own history (a
    DISTRIBUTED Map's iterations are child executions, absent from it, as on AWS)."""
    result = run_definition(definition, inp, lambda_stub, workflow_type=workflow_type)
    entered = [event["stateEnteredEventDetails"]["name"] for event in result.record.events
               if event["type"].endswith("StateEntered")]
    out = {"status": result.status, "states_entered": entered}
    if result.status == "SUCCEEDED":
        out["output"] = result.output
    else:
        out.update(error=result.error, cause=result.cause)
    return out


def test_the_recorded_aws_corpus():
    runner = _runner()
    cases = runner.load_cases()
    assert len(cases) == 740, f"the corpus changed: {len(cases)} cases"
    started = time.perf_counter()
    passed, totals, failures = Counter(), Counter(), {}
    for case in cases:
        folder = {"JSONata": "jsonata", "mixed": "mixed", "JSONPath": "jsonpath"}[case["query_language"]]
        totals[folder] += 1
        stub = runner.make_lambda_stub(case.get("lambda"))
        try:
            result = execute(copy.deepcopy(case["definition"]), copy.deepcopy(case["input"]), stub,
                             case.get("state_machine_type", "STANDARD"))
            reason = runner.check(case, result)
        except Exception as e:  # noqa: BLE001 - an interpreter crash is a failed case, reported below
            reason = f"raised {type(e).__name__}: {e}"
        if reason is None:
            passed[folder] += 1
        else:
            failures[case["id"]] = reason
    seconds = time.perf_counter() - started
    score = sum(passed.values())
    print(f"\nconformance: {score}/{len(cases)} cases in {seconds:.1f} s ("
          + ", ".join(f"{folder} {passed[folder]}/{totals[folder]}" for folder in totals) + ")")
    unexpected = {case_id: why for case_id, why in failures.items() if case_id not in KNOWN_DIFFERENCES}
    assert not unexpected, "cases that differ from AWS's recording:\n" + "\n".join(
        f"  {case_id}: {why}" for case_id, why in unexpected.items())
    fixed = sorted(set(KNOWN_DIFFERENCES) - set(failures))
    assert not fixed, f"listed as known differences but now passing (remove them from the list): {fixed}"
    assert score >= TARGET * len(cases)
