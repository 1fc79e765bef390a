"""Every construct, natively and compiled, with equal results (see differential.py)."""

from __future__ import annotations

import pytest

from differential import WORKFLOWS, compile_and_package, comparable, import_workflow, run_native
from pysfn.asl.validator import validate

WORKFLOW_FILES = sorted(p for p in WORKFLOWS.glob("wf_*.py") if hasattr(import_workflow(p), "CASES"))
PARAMS = [pytest.param(path, i, id=f"{path.stem}-{i}")
          for path in WORKFLOW_FILES for i in range(len(import_workflow(path).CASES))]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    cache = {}

    def get(path):
        if path not in cache:
            cache[path] = compile_and_package(path, tmp_path_factory.mktemp(path.stem))
        return cache[path]
    yield get
    for workflow in cache.values():
        workflow.worker.close()


@pytest.mark.parametrize("path, case", PARAMS)
def test_native_and_compiled_agree(compiled, path, case):
    module = import_workflow(path)
    inp = module.CASES[case]
    workflow = compiled(path)
    native = run_native(module, workflow.entry, inp)
    machine = workflow.run(inp)
    assert comparable(machine) == comparable(native), f"input: {inp}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.stem for p in WORKFLOW_FILES])
def test_compiled_machine_is_valid(compiled, path):
    assert validate(compiled(path).definition) == []


def test_failing_subscripts_name_the_python_error(compiled):
    """The documented difference: the machine stops with a States error naming the Python one."""
    path = WORKFLOWS / "wf_subscripts.py"
    module = import_workflow(path)
    workflow = compiled(path)
    for inp, python_error in module.FAILING_CASES:
        native = run_native(module, workflow.entry, inp)
        machine = workflow.run(inp)
        assert native["error"] == python_error
        assert machine["status"] == "FAILED"
        assert machine["error"] in ("States.QueryEvaluationError", "States.Runtime")  # moto: Runtime
        assert python_error in machine["cause"]
