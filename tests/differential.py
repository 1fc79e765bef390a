"""Run a workflow both ways and put the results side by side.

* natively: the entry function called with the input's keys as keyword arguments;
* compiled: pysfn compiles the module, packages the dispatcher zip, and the machine runs in
  the independent oracle (``tests/oracle.py``, moto's ASL interpreter) whose Lambda calls go to
  ``handler.dispatch`` imported from the unzipped package in a clean interpreter
  (``tests/lambda_worker.py``) — the same code path a deployed machine takes.

Both give ``{"status": "SUCCEEDED", "output": ...}`` or ``{"status": "FAILED", "error": ...,
"cause": ...}`` with the cause reduced to the message, so they can be compared with ``==``.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pysfn as PSF
from pysfn.compiler import compile_file
from pysfn.compiler.numbers import output_value
from pysfn.packaging import build_zip
from pysfn.runner import error_message

import oracle
from lambda_worker import LambdaWorker

WORKFLOWS = Path(__file__).parent / "workflows"
EXAMPLES = Path(__file__).parent.parent / "examples"


def import_workflow(path: Path):
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    return importlib.import_module(path.stem)


def run_native(module, entry: str, inp) -> dict:
    fn = getattr(module, entry)
    try:
        # a copy: the workflow may change its inputs in place (the machine gets them as JSON)
        output = fn(**copy.deepcopy(inp))
    except PSF.Fail as e:
        return {"status": "FAILED", "error": e.error, "cause": e.cause}
    except Exception as e:  # the error a Step Functions execution would report (PSF.Timeout: States.Timeout)
        return {"status": "FAILED", "error": PSF.error_name(e), "cause": str(e)}
    return {"status": "SUCCEEDED", "output": json.loads(json.dumps(output))}


@dataclass
class CompiledWorkflow:
    """A compiled workflow with its dispatcher running in a clean subprocess."""
    definition: dict
    worker: LambdaWorker
    entry: str
    callees: list[str]

    def run(self, inp) -> dict:
        result = oracle.execute(self.definition, inp, lambda name, payload: self.worker.invoke(payload))
        if result["status"] == "FAILED":
            result["cause"] = error_message(result.get("cause"))
        return result


def compile_and_package(path: Path, tmp_dir: Path) -> CompiledWorkflow:
    compiled = compile_file(path, lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:dispatcher")
    zip_path = tmp_dir / f"{path.stem}.zip"
    build_zip(path, zip_path, compiled.callees, compiled.local_modules, compiled.extracted_source)
    worker = LambdaWorker(zip_path)
    worker.__enter__()
    return CompiledWorkflow(compiled.definition, worker, compiled.entry, compiled.callees)


# A Python error raised inside a JSONata expression: the machine stops with
# States.QueryEvaluationError (moto: States.Runtime) and the cause ends with
# "PythonError: message" -- the documented difference (future-work.md). For comparison the
# compiled result is read back as that Python error.
_EXPRESSION_ERROR = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception)): (.*?)\)?$", re.DOTALL)


def python_error_of_expression(result: dict) -> dict:
    if result.get("error") not in ("States.QueryEvaluationError", "States.Runtime"):
        return result
    cause = result.get("cause") or ""
    # "... The JSONata expression '<text>' ... threw an error: TypeError: ...": the expression's
    # own text may name errors too (a folded loop holds a whole body), the error is after it
    match = _EXPRESSION_ERROR.search(cause.rsplit(" threw an error: ", 1)[-1])
    if match is None:
        return result
    return {**result, "error": match.group(1), "cause": match.group(2)}


def canonical(value):
    """A form of a JSON value whose ``==`` is type-strict for numbers: Python's ``==`` makes
    ``2 == 2.0``, ``True == 1`` and ``0.0 == -0.0``, which would hide exactly the bugs of the
    number model. Dicts compare without order (Step Functions orders keys its own way)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))  # repr keeps -0.0 apart from 0.0
    if isinstance(value, list):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    return ("other", repr(value))


def comparable(result: dict) -> dict:
    """The parts of a result that must agree between the two modes, type-strict (``canonical``).

    The execution output is JSON, which has one number type: a whole float is the JSON number
    ``2`` as Step Functions prints it (future-work.md), so both outputs are compared as the
    execution output shows them (``numbers.output_value``); inside the machine ints and floats
    stay apart, which ``str()``/f-strings/callees in the workflows make visible."""
    keep = ("status", "output", "error", "cause")
    result = python_error_of_expression(result)
    out = {k: result.get(k) for k in keep if k in result}
    if out.get("status") == "FAILED":
        out["cause"] = out.get("cause") or ""  # a Fail state without Cause reports none
    if "output" in out:
        out["output"] = canonical(output_value(out["output"]))
    return out
