"""One interface for code that starts workflows, whichever backend runs them.

Every backend has ``dispatch(input)`` (run, wait, return the output) and
``dispatch_async(input)`` (start, return a ``Handle`` with ``done()`` and ``result()``), and
every failure is a ``WorkflowFailed`` carrying ``error`` and ``cause`` as Step Functions would
report them. Tests pick the backend; the calling code stays the same:

* ``NativeDispatcher(module_or_path)`` — the ``@PSF.main`` function, in this process;
* ``LocalDispatcher(source_path)`` — the compiled machine in pysfn's interpreter;
* ``StepFunctionsDispatcher(name_or_arn, region=..., endpoint_url=...)`` — deployed (boto3).
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


class WorkflowFailed(Exception):
    """A workflow execution failed: ``error`` and ``cause`` as Step Functions reports them."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class Handle:
    """A started execution: ``done()`` without blocking, ``result(timeout)`` blocking."""

    def __init__(self, future: Future, execution_id: str = ""):
        self._future = future
        self.execution_id = execution_id

    def done(self) -> bool:
        return self._future.done()

    def result(self, timeout: float | None = None):
        return self._future.result(timeout)


_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="pysfn-dispatch")


class _Dispatcher:
    def dispatch(self, inp):
        raise NotImplementedError

    def dispatch_async(self, inp) -> Handle:
        return Handle(_POOL.submit(self.dispatch, inp))


class NativeDispatcher(_Dispatcher):
    """The entry function of a module (or of the module at a path), called as Python."""

    def __init__(self, module_or_path, entry: str | None = None):
        from pysfn.packaging.inprocess import import_module_from
        module = import_module_from(Path(module_or_path)) if isinstance(module_or_path, (str, Path)) \
            else module_or_path
        names = [entry] if entry else [n for n, f in vars(module).items() if getattr(f, "__pysfn_main__", False)]
        if len(names) != 1:
            raise ValueError(f"{module.__name__}: name the entry (entry=...): found {names or 'no @PSF.main'}")
        self.fn = getattr(module, names[0])

    def dispatch(self, inp):
        import pysfn as PSF
        if not isinstance(inp, dict):
            raise WorkflowFailed("TypeError", "the execution input must be an object")
        try:
            output = self.fn(**json.loads(json.dumps(inp)))
        except PSF.Fail as e:
            raise WorkflowFailed(str(e.error), e.cause) from None
        except Exception as e:  # noqa: BLE001 -- every failure is reported as Step Functions would
            raise WorkflowFailed(type(e).__name__, str(e)) from None
        return json.loads(json.dumps(output))


class LocalDispatcher(_Dispatcher):
    """The compiled state machine, run by pysfn's interpreter with the in-process dispatcher Lambda."""

    def __init__(self, source_path, entry: str | None = None):
        from pysfn.runner import LocalWorkflow
        self.workflow = LocalWorkflow.from_source(source_path, entry=entry)

    def dispatch(self, inp):
        from pysfn.runner import error_message
        result = self.workflow.run(inp)
        if result.status != "SUCCEEDED":
            raise WorkflowFailed(result.error, error_message(result.cause))
        return result.output


class StepFunctionsDispatcher(_Dispatcher):
    """A deployed state machine (by name or ARN), through boto3."""

    def __init__(self, name_or_arn: str, region: str | None = None, endpoint_url: str | None = None,
                 poll_seconds: float = 1.0):
        from pysfn.deploy.aws import Aws
        from pysfn.deploy.executions import machine_arn
        self.aws = Aws(region, endpoint_url)
        self.arn = machine_arn(self.aws, name_or_arn)
        self.poll_seconds = poll_seconds

    def dispatch(self, inp):
        return self.dispatch_async(inp).result()

    def dispatch_async(self, inp) -> Handle:
        from pysfn.deploy.executions import _call
        sfn = self.aws.client("stepfunctions")
        execution = _call("starting an execution", sfn.start_execution, stateMachineArn=self.arn,
                          input=json.dumps(inp))["executionArn"]
        future: Future = Future()

        def poll():
            try:
                while True:
                    described = _call("reading the execution", sfn.describe_execution, executionArn=execution)
                    if described["status"] != "RUNNING":
                        break
                    time.sleep(self.poll_seconds)
                if described["status"] == "SUCCEEDED":
                    future.set_result(json.loads(described.get("output") or "null"))
                else:
                    from pysfn.runner import error_message
                    status = described["status"]  # FAILED has an error; ABORTED, TIMED_OUT may not
                    error = described.get("error") or {"TIMED_OUT": "States.Timeout"}.get(status, "States.Aborted")
                    future.set_exception(WorkflowFailed(error, error_message(described.get("cause"))))
            except Exception as e:  # noqa: BLE001 -- AWS errors reach the caller through the handle
                future.set_exception(e)
        threading.Thread(target=poll, daemon=True, name="pysfn-poll").start()
        return Handle(future, execution)
