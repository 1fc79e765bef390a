"""``.waitForTaskToken`` Lambda Tasks in pysfn.local: invoke, then wait for the token's answer.

On AWS the Task gives the Lambda the token (``$states.context.Task.Token``, defined only in the
Arguments of such a Task), ignores the Lambda's own result, and waits for ``SendTaskSuccess``
(its output is the Task's result), ``SendTaskFailure`` (the Task fails with the sent error and
cause) or a timer (``States.Timeout`` after ``TimeoutSeconds``, ``States.HeartbeatTimeout`` after
``HeartbeatSeconds`` without a heartbeat). A local run has nobody outside to answer, so
``run_definition(..., respond=...)`` is given a *responder*: ``respond(token, payload)`` returns
``{"ok": value}``, ``{"error": E, "cause": C}`` or ``{"timeout": "States.Timeout" |
"States.HeartbeatTimeout"}`` (``pysfn.callbacks.answer`` answers from the responders a test
registered with ``PSF.callbacks.respond``). Without one, the run is refused before its first
state (UnsupportedFeature): it would wait forever. Timers never fire by themselves locally (time
is skipped), only when the responder says so.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable

from .errors import HEARTBEAT_TIMEOUT, TIMEOUT, StatesError, UnsupportedFeature

WAIT_FOR_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken"
Respond = Callable[[str, Any], dict]

_tokens = itertools.count(1)


def is_wait_for_token(resource) -> bool:
    return resource == WAIT_FOR_TOKEN


def new_token(execution_name: str) -> str:
    """A token unique within this process (AWS's are opaque strings too)."""
    return f"pysfn-local-token-{execution_name}-{next(_tokens)}"


def callback_states(states: dict):
    """The names of the ``.waitForTaskToken`` Tasks of a definition (branches and Map processors too)."""
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task" and is_wait_for_token(state.get("Resource")):
            yield name
        for branch in state.get("Branches", []) or []:
            yield from callback_states(branch.get("States", {}) if isinstance(branch, dict) else {})
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            yield from callback_states(processor.get("States", {}))


def refuse_without_responder(definition: dict, respond: Respond | None) -> None:
    """A machine that waits for a task token cannot run locally without a responder: say so at
    once, rather than run its first states and then hang (or invent an answer)."""
    if respond is not None:
        return
    waiting = list(callback_states(definition.get("States", {})))
    if waiting:
        raise UnsupportedFeature(
            f"state '{waiting[0]}' waits for a task token (.waitForTaskToken): on AWS someone answers with "
            f"SendTaskSuccess/SendTaskFailure, and this local run has no responder to answer it; register one "
            f"(PSF.callbacks.respond(callee, handler) in a test, pysfn run --callback CALLEE=ANSWER, or "
            f"run_definition(..., respond=...))")


def outcome(state_name: str, token: str, payload: Any, respond: Respond) -> Any:
    """The Task's result from the responder's answer, or the StatesError it fails with."""
    answer = respond(token, payload)
    if isinstance(answer, dict) and "ok" in answer:
        # SendTaskSuccess's output is JSON text: read as Step Functions reads it
        return json.loads(json.dumps(answer["ok"], allow_nan=False))
    if isinstance(answer, dict) and "error" in answer:
        error, cause = answer.get("error"), answer.get("cause")
        return StatesError(None if error is None else str(error), None if cause is None else str(cause))
    if isinstance(answer, dict) and answer.get("timeout") in (TIMEOUT, HEARTBEAT_TIMEOUT):
        kind = "heartbeat" if answer["timeout"] == HEARTBEAT_TIMEOUT else "timeout"
        return StatesError(answer["timeout"], f"The task token of the state '{state_name}' was not answered "
                                              f"within its {kind} (the responder said so)")
    raise TypeError(f"respond({token!r}, ...) returned {answer!r}: expected {{'ok': value}}, "
                    f"{{'error': E, 'cause': C}} or {{'timeout': 'States.Timeout'}}")
