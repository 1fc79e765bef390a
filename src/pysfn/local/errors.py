"""Errors: what the interpreter raises to its caller, and the ASL errors a state can fail with.

Two kinds of problem, kept apart:

* the machine cannot be run faithfully here (``UnsupportedFeature``) or is not a machine at all
  (``InvalidDefinition``): Python exceptions raised to the caller of ``run_definition``, never an
  execution result — a local run must not give an answer AWS would not give;
* a state fails (``StatesError``): an ASL error name and cause, handled by the machine's
  ``Retry``/``Catch`` or ending the execution as FAILED, as on AWS.
"""

from __future__ import annotations

import json


class UnsupportedFeature(Exception):
    """The definition uses something ``pysfn.local`` does not implement (a JSONPath state, an
    ItemReader, a service integration other than Lambda, ...). The message names the state and
    the field."""


class InvalidDefinition(ValueError):
    """The definition is not a runnable state machine (no ``StartAt``, a ``Next`` naming no state,
    a state without ``Type``): AWS would reject it at ``CreateStateMachine``."""


# The predefined error names (AWS Step Functions developer guide, "Error names").
ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
PERMISSIONS = "States.Permissions"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
RUNTIME = "States.Runtime"

# Never matched by a wildcard: "a retry or catch on States.ALL won't catch" these.
_TERMINAL = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})


class StatesError(Exception):
    """A state failed with ASL error ``error`` (may be ``None``: a Fail state without Error) and
    ``cause`` (a string or ``None``)."""

    def __init__(self, error: str | None, cause: str | None = None):
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.logged = False  # an event of the history already reports it
        # AWS-MEASURED: "States.ALL and States.TaskFailed did catch a States.DataLimitExceeded
        # raised by an oversized SDK result": such an error is matched like any other
        self.catchable = False

    @property
    def output(self) -> dict:
        """The error output a Catch receives (``$states.errorOutput``)."""
        return {"Error": self.error, "Cause": self.cause}


def matches(error_equals: list[str], error: str | None, catchable: bool = False) -> bool:
    """Does a Retrier's or Catcher's ``ErrorEquals`` match ``error``?

    Names match exactly (no hierarchy). ``States.ALL`` matches every error except the terminal
    ``States.Runtime`` and ``States.DataLimitExceeded``; ``States.TaskFailed`` matches every error
    except those and ``States.Timeout``. ``States.Runtime`` is never caught, not even by name
    ("errors of type States.Runtime are not retriable and will always cause the execution to fail").
    """
    if error == RUNTIME:
        return False
    if error in error_equals:
        return True
    if error in _TERMINAL and not catchable:
        return False
    if ALL in error_equals:
        return True
    return TASK_FAILED in error_equals and error != TIMEOUT


def lambda_cause(error_type: str, error_message: str, extra: dict | None = None) -> str:
    """The Cause of a failed Lambda invocation: the runtime's error payload as compact JSON, keys
    ``errorMessage`` then ``errorType`` (AWS also sends ``requestId`` and ``stackTrace``), then any
    other key of the payload (``extra``), as AWS passes the whole payload on."""
    payload = {"errorMessage": error_message, "errorType": error_type, **(extra or {})}
    return json.dumps(payload, separators=(",", ":"))


def decorate(state_name: str, entered_event_id: int, message: str) -> str:
    """A ``States.QueryEvaluationError``/``States.Runtime`` cause, worded as AWS words it."""
    return (f"An error occurred while executing the state '{state_name}' "
            f"(entered at the event id #{entered_event_id}). {message}")
