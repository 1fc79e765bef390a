"""The execution record: path, billable transitions, Lambda calls, retries, waits and the event
history, with AWS's event type names."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

# Standard workflows: USD per state transition (0.025 USD per 1,000).
PRICE_PER_TRANSITION_USD = 0.025 / 1000


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_json_text(value: Any) -> str:
    """A value as the history shows it: compact JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass
class LambdaCall:
    """One Lambda invocation of a Task (retries are calls of their own).

    For pysfn's dispatcher, ``callee`` is the allow-list key of the payload (``"charge"``,
    ``"textkit.stats.count"``, or a generated ``pysfn_extracted_...`` function) and ``args`` /
    ``kwargs`` are what it was called with (whole floats decoded, as the dispatcher decodes them);
    ``payload`` is what the Task sent. For any other function ``callee`` is ``None`` and
    ``payload`` says what was sent.
    """
    state: str
    function: str
    payload: Any
    callee: str | None = None
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)

    @classmethod
    def of(cls, state: str, function: str, payload: Any) -> "LambdaCall":
        if isinstance(payload, dict) and isinstance(payload.get("callee"), str):
            from pysfn.compiler.numbers import decode  # as the callee gets them: 2.0 is a float again
            args, kwargs = decode(payload.get("args", [])), decode(payload.get("kwargs", {}))
            return cls(state, function, payload, payload["callee"], args if isinstance(args, list) else [],
                       kwargs if isinstance(kwargs, dict) else {})
        return cls(state, function, payload)

    @property
    def extracted(self) -> bool:
        """Code the compiler extracted into the dispatcher (not a callee of your module)."""
        return bool(self.callee) and self.callee.startswith("pysfn_extracted_")


@dataclass
class ExecutionRecord:
    """What one local execution did.

    * ``path``: the names of the states entered, in order (states inside Parallel branches and
      Map iterations included, in the order they were entered: branches and iterations run one
      after another here);
    * ``transitions``: billable state transitions as AWS counts them for Standard workflows:
      every state entered (inside Parallel and Map too) plus every retry attempt;
    * ``lambda_calls``: every Lambda call (``LambdaCall``: state, callee, args, kwargs), retries
      included, in order: what ``pysfn run --stats`` counts as "lambda calls";
      ``lambda_invocations`` is their number (the first name of the count); ``callees`` the
      callee names alone, without the calls of extracted code, and ``calls_of(name)`` the
      argument lists of one callee: easy to assert on;
    * ``retries``: the retry attempts made;
    * ``waits``: ``(state name, seconds)`` for each Wait state and each retry back-off, skipped
      (or slept when running with ``skip_waits=False``);
    * ``events``: the event history, each ``{"id", "previousEventId", "type", "timestamp",
      <type>EventDetails...}`` with AWS's type names (``TaskStateEntered``, ``TaskScheduled``,
      ``MapIterationStarted``, ...) and inputs/outputs as JSON text, as ``GetExecutionHistory``
      shows them.
    """

    path: list[str] = field(default_factory=list)
    transitions: int = 0
    lambda_calls: list[LambdaCall] = field(default_factory=list)
    retries: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    # the history being written: ``events``, or a DISTRIBUTED Map's child execution's own history
    _current: list | None = field(default=None, repr=False)
    child_executions: list[list[dict]] = field(default_factory=list)

    @property
    def lambda_invocations(self) -> int:
        return len(self.lambda_calls)

    @property
    def callees(self) -> list[str]:
        """The callees called, in order (retries repeat), extracted code left out."""
        return [c.callee for c in self.lambda_calls if c.callee and not c.extracted]

    def calls_of(self, callee: str) -> list[list]:
        """The positional arguments of each call of ``callee`` (keyword arguments: ``lambda_calls``)."""
        return [list(c.args) for c in self.lambda_calls if c.callee == callee]

    def add_event(self, type_: str, details_key: str | None = None, details: dict | None = None) -> int:
        """Append an event to the history being written; returns its id."""
        events = self.events if self._current is None else self._current
        event_id = len(events) + 1
        event = {"id": event_id, "previousEventId": event_id - 1, "type": type_, "timestamp": _now()}
        if details_key is not None:
            event[details_key] = details if details is not None else {}
        events.append(event)
        return event_id

    def event(self, event_id: int) -> dict:
        """An event of the history being written."""
        return (self.events if self._current is None else self._current)[event_id - 1]

    def begin_child(self, input_text: str) -> list | None:
        """A DISTRIBUTED Map's iteration is a child execution with its own history (AWS's parent
        history shows none of its states): until ``end_child``, events go there. Returns what
        to pass to ``end_child``."""
        outer = self._current
        self._current = []
        self.child_executions.append(self._current)
        self.add_event("ExecutionStarted", "executionStartedEventDetails", {"input": input_text})
        return outer

    def end_child(self, outer: list | None) -> None:
        self._current = outer

    def enter(self, state_type: str, name: str, input_text: str) -> int:
        """A state is entered (its input as JSON text): one transition. Returns the id of its
        StateEntered event."""
        self.path.append(name)
        self.transitions += 1
        return self.add_event(f"{state_type}StateEntered", "stateEnteredEventDetails",
                              {"name": name, "input": input_text})

    def exit(self, state_type: str, name: str, output_text: str, assigned_texts: dict | None = None) -> None:
        details = {"name": name, "output": output_text}
        if assigned_texts:
            details["assignedVariables"] = assigned_texts
        self.add_event(f"{state_type}StateExited", "stateExitedEventDetails", details)

    def estimated_cost_usd(self) -> float:
        """The Standard-workflow price of this execution's transitions: 0.025 USD per 1,000.

        The free tier (the first 4,000 transitions of each month) is ignored, and so are the
        Lambda invocations' own cost and Express workflows' pricing (per request and GB-second).
        """
        return self.transitions * PRICE_PER_TRANSITION_USD

    def to_dict(self) -> dict:
        return {"path": list(self.path), "transitions": self.transitions,
                "lambda_invocations": self.lambda_invocations,
                "lambda_calls": [{"state": c.state, "function": c.function, "callee": c.callee, "args": c.args,
                                  "kwargs": c.kwargs} for c in self.lambda_calls],
                "retries": self.retries,
                "waits": [list(wait) for wait in self.waits], "events": [dict(e) for e in self.events],
                "estimated_cost_usd": self.estimated_cost_usd()}
