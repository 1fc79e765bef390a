"""Child executions in pysfn.local: ``arn:aws:states:::states:startExecution.sync:2``.

The child's definition runs in this interpreter, as a nested execution of its own (its own
history, variables and bounds), found by the Task's ``StateMachineArn`` in the run's
``children`` map (``run_definition(..., children={arn: (definition, invoke)})``). The Task's
result is what Step Functions gives for ``.sync:2``: the child's DescribeExecution with ``Input``
and ``Output`` as JSON values (not JSON text). A failed child fails the Task with
``States.TaskFailed`` whose Cause is that DescribeExecution as JSON text, the child's ``Error`` and
``Cause`` among its members; an ARN not in the map is
``StepFunctions.StateMachineDoesNotExistException``, as AWS reports an unknown machine.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from .errors import StatesError
from .record import to_json_text

START_SYNC = "arn:aws:states:::states:startExecution.sync:2"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_child(interpreter, state, arguments: Any) -> dict:
    """Run the child execution a ``startExecution.sync:2`` Task names; its DescribeExecution."""
    from . import run_definition
    details = {"resourceType": "states", "resource": "startExecution.sync:2", "parameters": to_json_text(arguments)}
    record = interpreter.record
    record.add_event("TaskScheduled", "taskScheduledEventDetails", details)
    record.add_event("TaskStarted", "taskStartedEventDetails", {"resourceType": "states",
                                                                "resource": "startExecution.sync:2"})

    def failed(error: str, cause: str):
        record.add_event("TaskFailed", "taskFailedEventDetails", {"resourceType": "states",
                                                                  "resource": "startExecution.sync:2",
                                                                  "error": error, "cause": cause})
        failure = StatesError(error, cause)
        failure.logged = True
        return failure

    if not isinstance(arguments, dict) or not isinstance(arguments.get("StateMachineArn"), str):
        raise failed("States.Runtime", "The Arguments of startExecution must be an object with a string "
                     f"StateMachineArn, but were: {to_json_text(arguments)}")
    arn = arguments["StateMachineArn"]
    if arn not in interpreter.children:
        raise failed("StepFunctions.StateMachineDoesNotExistException", f"State Machine Does Not Exist: '{arn}'")
    child_input = arguments.get("Input", {})
    if isinstance(child_input, str):  # Input given as JSON text is the execution input it holds
        try:
            child_input = json.loads(child_input)
        except ValueError:
            raise failed("StepFunctions.InvalidExecutionInputException",
                         "Invalid State Machine Execution Input: not JSON") from None
    definition, invoke = interpreter.children[arn]
    name = str(uuid.uuid4())
    started = _now()
    result = run_definition(definition, child_input, invoke or interpreter.invoke, execution_name=name,
                            aws_endpoint_url=interpreter.aws_endpoint_url, children=interpreter.children,
                            skip_waits=interpreter.skip_waits)
    describe = {"ExecutionArn": f"{arn.replace(':stateMachine:', ':execution:')}:{name}" if ":stateMachine:" in arn
                else f"{arn}:{name}",
                "Input": child_input, "InputDetails": {"Included": True}, "Name": name,
                "StartDate": started, "StateMachineArn": arn, "Status": result.status, "StopDate": _now()}
    if result.status == "SUCCEEDED":
        describe.update({"Output": result.output, "OutputDetails": {"Included": True}})
        record.add_event("TaskSucceeded", "taskSucceededEventDetails",
                         {"resourceType": "states", "resource": "startExecution.sync:2",
                          "output": to_json_text(describe)})
        return describe
    for key, value in (("Error", result.error), ("Cause", result.cause)):
        if value is not None:
            describe[key] = value
    raise failed("States.TaskFailed", json.dumps(describe, ensure_ascii=False, separators=(",", ":")))
