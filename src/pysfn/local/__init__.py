"""``pysfn.local``: an interpreter for Amazon States Language machines, JSONata, JSONPath or mixed.

    from pysfn.local import run_definition
    result = run_definition(definition, {"text": "hi"}, invoke)
    result.status, result.output, result.error, result.cause, result.record

``invoke(function_name, payload)`` serves every Lambda Task and answers ``{"ok": value}`` or
``{"errorType": str, "errorMessage": str}`` (the contract of ``tests/oracle.py``). The record
(``ExecutionRecord``) holds the path, the billable transitions, Lambda calls, retries, skipped
waits and the event history.

Modules: ``definition`` (load and check a definition; ``jsonpath_definition`` for JSONPath
states), ``interpreter`` (states, transitions, Retry/Catch, Map failure tolerance),
``jsonpath_states`` (the JSONPath data flow), ``jsonpath`` (paths), ``jsonpath_io`` (payload
templates and path fields), ``intrinsics`` (``States.*`` functions), ``choice_rules`` (JSONPath
Choice rules), ``expressions`` (JSONata templates, the Step Functions functions),
``aws_jsonata`` (the JSONata engine: jsonata-python with AWS's measured behaviour), ``scopes``
(variables), ``errors`` (States.* errors and matching), ``limits`` (payload quotas), ``record``
(the execution record).

Not supported (``UnsupportedFeature`` at the start of the run, naming the state and field):
service integrations other than Lambda and the request-response ones made with boto3
(``service_tasks``), ``.sync`` patterns, ``.waitForTaskToken`` other than Lambda's (whose answer
comes from the ``respond`` function: ``callbacks``), activities, ItemReader,
ItemBatcher, ResultWriter, ``Credentials``. Locally, Task timeouts never fire (a run is bounded
instead as AWS bounds an execution: ``limits.RunLimits``), Parallel branches and Map iterations
run one after another in order, and a DISTRIBUTED Map's iterations are child executions (their
own history, no outer variables, failures counted against the tolerated thresholds).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from .callbacks import callback_states, refuse_without_responder
from .definition import load
from .errors import InvalidDefinition, StatesError, UnsupportedFeature
from .interpreter import Interpreter, Invoke
from .limits import PAYLOAD_LIMIT, ExecutionBounds, ExecutionStopped, RunLimits, activate, text_size
from .record import ExecutionRecord, to_json_text
from .scopes import Scope

__all__ = ["run_definition", "ExecutionResult", "ExecutionRecord", "UnsupportedFeature", "InvalidDefinition",
           "RunLimits"]

ACCOUNT, REGION = "123456789012", "us-east-1"
STATE_MACHINE_NAME = "pysfn-local"


@dataclass
class ExecutionResult:
    status: str                 # "SUCCEEDED" | "FAILED"
    output: Any = None          # when SUCCEEDED
    error: str | None = None    # when FAILED (None: a Fail state without Error)
    cause: str | None = None    # when FAILED
    record: ExecutionRecord | None = None


def _context(execution_name: str, start_time: str, inp: Any, overrides: dict | None, express: bool) -> dict:
    """``$states.context`` without its per-state part (``State``, ``Map``)."""
    machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
    kind = "express" if express else "execution"
    context = {
        "Execution": {"Id": f"arn:aws:states:{REGION}:{ACCOUNT}:{kind}:{STATE_MACHINE_NAME}:{execution_name}",
                      "Input": inp, "Name": execution_name, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/pysfn-local",
                      "StartTime": start_time},
        "StateMachine": {"Id": machine_arn, "Name": STATE_MACHINE_NAME},
    }
    if not express:  # Express executions cannot be redriven: their context has no RedriveCount
        context["Execution"]["RedriveCount"] = 0
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(context.get(key), dict):
            context[key] = {**context[key], **value}
        else:
            context[key] = value
    return context


def run_definition(definition: dict | str, input: Any, invoke: Invoke | None = None, *, skip_waits: bool = True,
                   execution_name: str = "local", context_overrides: dict | None = None,
                   limits: RunLimits | None = None, aws_endpoint_url: str | None = None,
                   workflow_type: str = "STANDARD", respond=None) -> ExecutionResult:
    """Run ``definition`` (a dict or JSON text) on ``input`` to its end.

    Raises ``UnsupportedFeature`` (before the first state) for what this interpreter does not
    implement, ``InvalidDefinition`` for a definition AWS would reject, ``ValueError`` for an input
    over 256 KiB (``StartExecution`` refuses it), and re-raises an exception
    of ``invoke`` itself (a bug in the caller, not a Lambda error). Waits and retry back-offs are
    recorded and skipped unless ``skip_waits=False``. ``context_overrides`` updates the context
    object (``{"Execution": {"Name": ...}}`` merges into ``$states.context.Execution``).
    ``limits`` bounds the run (``RunLimits.standard()`` by default: 25,000 history events, 1 s per
    expression; ``RunLimits.express()``: 5 minutes): past a bound the execution fails as AWS
    would fail it (status FAILED with ``States.Runtime``, or TIMED_OUT with ``States.Timeout``).
    Service-integration Tasks (DynamoDB, SQS, ``aws-sdk:*``) are made with boto3, against
    ``aws_endpoint_url`` when given (moto_server, LocalStack), else boto3's own default.
    ``workflow_type="EXPRESS"`` runs it as an Express execution (its context object has no
    ``RedriveCount``; the bounds are ``RunLimits.express()`` unless ``limits`` is given).
    ``respond(token, payload)`` answers the ``.waitForTaskToken`` Tasks (``callbacks.py``); a
    machine that has one is refused without it (UnsupportedFeature), and in an Express run.
    """
    from pysfn.strict_json import MAX_DEPTH, loads, value_depth  # deep JSON: a clear error, no RecursionError
    if workflow_type not in ("STANDARD", "EXPRESS"):
        raise ValueError(f"workflow_type must be STANDARD or EXPRESS, not {workflow_type!r}")
    if isinstance(definition, str):
        definition = loads(definition)
    for what, value in (("the definition", definition), ("the execution input", input)):
        if value_depth(value) > MAX_DEPTH:
            raise ValueError(f"{what} is nested more than {MAX_DEPTH} levels deep; pysfn reads JSON at most "
                             f"{MAX_DEPTH} levels deep")
    machine = load(definition)
    refuse_without_responder(definition, respond)
    if workflow_type == "EXPRESS" and any(callback_states(definition.get("States", {}))):
        raise UnsupportedFeature(f"state '{next(callback_states(definition['States']))}' waits for a task token: "
                                 f"Express workflows do not support .waitForTaskToken (run it as STANDARD)")
    text = to_json_text(input)
    if text_size(text) > PAYLOAD_LIMIT:  # StartExecution itself refuses it: there is no execution
        raise ValueError(f"the execution input is {text_size(text)} bytes; Step Functions accepts at most "
                         f"{PAYLOAD_LIMIT}")
    value = json.loads(text)  # plain JSON, and the caller's object is never shared
    start_time = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    context = _context(execution_name, start_time, value, context_overrides, workflow_type == "EXPRESS")
    record = ExecutionRecord()
    record.add_event("ExecutionStarted", "executionStartedEventDetails",
                     {"input": text, "roleArn": context["Execution"].get("RoleArn")})
    limits = limits or (RunLimits.express() if workflow_type == "EXPRESS" else RunLimits.standard())
    interpreter = Interpreter(invoke, record, context, skip_waits, ExecutionBounds(limits, record))
    previous = activate(limits)
    interpreter.aws_endpoint_url = aws_endpoint_url
    interpreter.respond = respond
    try:
        _, text = interpreter.run_machine(machine, value, text, Scope())
    except ExecutionStopped as stop:  # a bound of the whole execution: no Catch saw it
        kind = "ExecutionTimedOut" if stop.status == "TIMED_OUT" else "ExecutionFailed"
        record.add_event(kind, f"{kind[0].lower()}{kind[1:]}EventDetails", {"error": stop.error, "cause": stop.cause})
        return ExecutionResult(stop.status, None, stop.error, stop.cause, record)
    except StatesError as failure:
        details = {key: value for key, value in (("error", failure.error), ("cause", failure.cause))
                   if value is not None}
        record.add_event("ExecutionFailed", "executionFailedEventDetails", details)
        return ExecutionResult("FAILED", None, failure.error, failure.cause, record)
    finally:
        activate(previous)
    record.add_event("ExecutionSucceeded", "executionSucceededEventDetails", {"output": text})
    return ExecutionResult("SUCCEEDED", json.loads(text), record=record)
