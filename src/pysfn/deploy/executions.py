"""``pysfn invoke`` and ``pysfn history``: run a deployed workflow and read what it did."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable

from pysfn.deploy.aws import Aws, AwsError, explain
from pysfn.deploy.deployer import find_state_machine


@dataclass
class Outcome:
    execution_arn: str
    status: str                 # RUNNING (not waited for), SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    output: object = None
    error: str | None = None
    cause: str | None = None


def _call(doing: str, fn, **kwargs):
    try:
        return fn(**kwargs)
    except Exception as e:  # noqa: BLE001 -- each boto3 error becomes one line
        raise explain(e, doing) from None


def machine_arn(aws: Aws, name_or_arn: str) -> str:
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    arn = find_state_machine(aws, name_or_arn)
    if arn is None:
        raise AwsError(f"no state machine named {name_or_arn!r} in {aws.session.region_name}: deploy it first "
                       "(pysfn deploy SOURCE --name NAME)")
    return arn


class StillRunning(AwsError):
    """``invoke`` stopped waiting (``timeout`` passed, or Ctrl-C): the execution runs on."""

    def __init__(self, execution_arn: str, reason: str):
        super().__init__(f"{reason}; the execution is still running: {execution_arn}\n"
                         f"  look it up: pysfn history {execution_arn}\n"
                         f"  or: aws stepfunctions describe-execution --execution-arn {execution_arn}")
        self.execution_arn = execution_arn
        self.interrupted = reason.startswith("interrupted")


DEFAULT_TIMEOUT_SECONDS = 300


def invoke(name_or_arn: str, inp, *, wait: bool = True, region: str | None = None, endpoint_url: str | None = None,
           poll_seconds: float = 1.0, progress: Callable[[str], None] = lambda s: None,
           timeout: float | None = DEFAULT_TIMEOUT_SECONDS) -> Outcome:
    """Start an execution (synchronously for an Express machine) and, with ``wait``, its end.

    Waiting stops after ``timeout`` seconds (None: never) or at Ctrl-C with ``StillRunning``,
    which names the execution: it keeps running on AWS."""
    aws = Aws(region, endpoint_url)
    sfn = aws.client("stepfunctions")
    arn = machine_arn(aws, name_or_arn)
    text = json.dumps(inp)
    kind = _call("reading the state machine", sfn.describe_state_machine, stateMachineArn=arn).get("type", "STANDARD")
    if kind == "EXPRESS" and wait:
        result = _call("running the execution", sfn.start_sync_execution, stateMachineArn=arn, input=text)
        return _outcome(result)
    execution = _call("starting an execution", sfn.start_execution, stateMachineArn=arn, input=text)["executionArn"]
    if not wait:
        return Outcome(execution, "RUNNING")
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            described = _call("reading the execution", sfn.describe_execution, executionArn=execution)
            if described["status"] != "RUNNING":
                return _outcome(described)
            if deadline is not None and time.monotonic() >= deadline:
                raise StillRunning(execution, f"stopped waiting after {timeout:g} s (--timeout)")
            progress(".")
            time.sleep(poll_seconds if deadline is None else max(0.0, min(poll_seconds, deadline - time.monotonic())))
    except KeyboardInterrupt:
        raise StillRunning(execution, "interrupted (Ctrl-C): pysfn stopped waiting") from None


def _outcome(described: dict) -> Outcome:
    output = described.get("output")
    return Outcome(described.get("executionArn", ""), described["status"],
                   json.loads(output) if output else None, described.get("error"), described.get("cause"))


def history(name_or_arn: str, *, region: str | None = None, endpoint_url: str | None = None) -> list[dict]:
    """The states an execution entered, in order, then its status: ``[{"state", "type", "event"}]``.

    ``name_or_arn``: an execution ARN, or a state machine's name/ARN (its latest execution).
    The last entry (type ``Execution``) is the execution's status as ``DescribeExecution``
    reports it (``running``, ``succeeded``, ``failed``, ``timed_out``, ``aborted``), with the
    error for a failure: the history's own end events are not trusted for it (a running
    execution has none, and mock services invent one)."""
    aws = Aws(region, endpoint_url)
    sfn = aws.client("stepfunctions")
    if ":execution:" in name_or_arn or ":express:" in name_or_arn:
        execution = name_or_arn
    else:
        executions = _call("listing the executions", sfn.list_executions,
                           stateMachineArn=machine_arn(aws, name_or_arn), maxResults=1)["executions"]
        if not executions:
            raise AwsError(f"{name_or_arn} has no executions yet: pysfn invoke {name_or_arn} --input '{{...}}'")
        execution = executions[0]["executionArn"]
    events = []
    try:
        for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution):
            events.extend(page["events"])
    except Exception as e:  # noqa: BLE001
        raise explain(e, "reading the execution history") from None
    path = []
    for event in events:
        kind = event["type"]
        if kind.endswith("StateEntered"):
            path.append({"state": event["stateEnteredEventDetails"]["name"], "type": kind[:-len("StateEntered")],
                         "event": "entered"})
    path.append(_status_entry(sfn, execution, events))
    return path


def _status_entry(sfn, execution: str, events: list[dict]) -> dict:
    try:
        described = sfn.describe_execution(executionArn=execution)
    except Exception:  # noqa: BLE001 -- Express executions cannot be described: their events say it
        ends = [e["type"] for e in events if e["type"].startswith("Execution") and e["type"] != "ExecutionStarted"]
        return {"state": "", "type": "Execution", "event": ends[-1][len("Execution"):].lower() if ends else "running"}
    entry = {"state": "", "type": "Execution", "event": described["status"].lower()}
    if described.get("error") or described.get("cause"):
        entry["error"], entry["cause"] = described.get("error") or "", described.get("cause") or ""
    return entry
