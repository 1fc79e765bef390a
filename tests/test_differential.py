"""Every construct, natively and compiled, with equal results (see differential.py)."""

from __future__ import annotations

import pytest

from differential import WORKFLOWS, comparable, import_workflow, run_native
from independent_validators import independent_problems
from pysfn.asl.validator import validate

def all_cases(module) -> list:
    """CASES, RACY_CASES (a branch failing while others run: equal results, timing-dependent counts)
    and ORACLE_ONLY_CASES (pysfn.local is known to differ on them, see the workflow's comment)."""
    return module.CASES + getattr(module, "RACY_CASES", []) + getattr(module, "ORACLE_ONLY_CASES", [])


WORKFLOW_FILES = sorted(p for p in WORKFLOWS.glob("wf_*.py") if hasattr(import_workflow(p), "CASES"))
PARAMS = [pytest.param(path, i, id=f"{path.stem}-{i}")
          for path in WORKFLOW_FILES for i in range(len(all_cases(import_workflow(path))))]




@pytest.mark.parametrize("path, case", PARAMS)
def test_native_and_compiled_agree(compiled_workflow, path, case):
    module = import_workflow(path)
    inp = all_cases(module)[case]
    workflow = compiled_workflow(path)
    native = run_native(module, workflow.entry, inp)
    machine = workflow.run(inp)
    assert comparable(machine) == comparable(native), f"input: {inp}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.stem for p in WORKFLOW_FILES])
def test_compiled_machine_is_valid(compiled_workflow, path):
    """Our validator, and the two we did not write (moto's static analyser, statelint)."""
    definition = compiled_workflow(path).definition
    assert validate(definition) == []
    assert independent_problems(definition) == []


def test_failing_subscripts_name_the_python_error(compiled_workflow):
    """The documented difference: the machine stops with a States error naming the Python one."""
    path = WORKFLOWS / "wf_subscripts.py"
    module = import_workflow(path)
    workflow = compiled_workflow(path)
    for inp, python_error in module.FAILING_CASES:
        native = run_native(module, workflow.entry, inp)
        machine = workflow.run(inp)
        assert native["error"] == python_error
        assert machine["status"] == "FAILED"
        assert machine["error"] in ("States.QueryEvaluationError", "States.Runtime")  # moto: Runtime
        assert python_error in machine["cause"]


def test_floor_division_of_fractional_floats_runs_in_python(compiled_workflow):
    """`//`/`%` of values not known to be ints are extracted (exact in Python), no longer failing
    in the machine with a pysfn ValueError (issue 12: no loud-but-different result either)."""
    path = WORKFLOWS / "wf_expressions.py"
    module = import_workflow(path)
    workflow = compiled_workflow(path)
    native = run_native(module, workflow.entry, module.FLOAT_DIVMOD)
    assert native["status"] == "SUCCEEDED"
    assert comparable(workflow.run(module.FLOAT_DIVMOD)) == comparable(native)


def test_an_input_that_is_not_an_object_is_a_type_error(compiled_workflow):
    machine = compiled_workflow(WORKFLOWS / "wf_inputs.py").run([1, 2])
    assert (machine["status"], machine["error"]) == ("FAILED", "TypeError")
    assert machine["cause"].startswith("inputs() takes an input object with the keys: name (required), count")


def test_unchecked_annotations_are_reported():
    from pysfn.compiler import compile_source
    source = "import pysfn as PSF\n\n@PSF.main\ndef f(x: set[int], y: 'int'):\n    return y\n"
    (warning,) = compile_source(source, "wf.py").warnings
    assert "the annotation 'set[int]' of 'x' is not checked" in warning.message


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.stem for p in WORKFLOW_FILES])
def test_native_and_pysfn_local_agree(path):
    """The same cases in pysfn's own interpreter, its Lambda Tasks served by the in-process
    handler (the code the zip holds: allow-list, error names, extracted code)."""
    import importlib
    from pysfn.runner import LocalWorkflow, error_message
    module = import_workflow(path)
    workflow = LocalWorkflow.from_source(path)
    for inp in module.CASES:
        importlib.reload(module)  # module state (attempt counters) fresh for each side
        native = run_native(module, workflow.entry, inp)
        importlib.reload(module)  # the same module object the in-process handler imported
        result = workflow.run(inp)
        local = {"status": result.status, "output": result.output} if result.status == "SUCCEEDED" else \
            {"status": result.status, "error": result.error, "cause": error_message(result.cause)}
        if local.get("error") == "States.QueryEvaluationError":  # "... threw an error: KeyError: 'k'"
            python_error = local["cause"].rsplit(" threw an error: ", 1)[-1]
            if ": " in python_error:
                local["error"], local["cause"] = python_error.split(": ", 1)
        assert comparable(local) == comparable(native), f"input: {inp}"
