"""``pysfn run --callback CALLEE=ANSWER``: how a local run answers ``PSF.wait_for_callback``.

A run from the command line has no test to register a responder (``PSF.callbacks.respond``), so
each callee whose callback the machine waits for gets a fixed answer, given on the command line:

* ``ask_manager='{"approved": true}'``: JSON, the output ``SendTaskSuccess`` would send;
* ``ask_manager=fail:Rejected:over budget``: ``SendTaskFailure(error="Rejected", cause="over budget")``;
* ``ask_manager=timeout`` / ``ask_manager=heartbeat-timeout``: the timer fires.

A machine that waits for a callee without an answer is refused before its first state (the run
would wait for ever), naming the callee and the option.
"""

from __future__ import annotations

import json

USAGE = "--callback CALLEE=JSON (SendTaskSuccess), CALLEE=fail:ERROR[:CAUSE], CALLEE=timeout or CALLEE=heartbeat-timeout"


def parse(specs) -> dict[str, dict]:
    """The answers by callee key; ValueError for a malformed spec."""
    answers: dict[str, dict] = {}
    for spec in specs:
        callee, sep, text = spec.partition("=")
        if not sep or not callee:
            raise ValueError(f"--callback {spec!r}: expected {USAGE}")
        if text == "timeout":
            answers[callee] = {"timeout": "States.Timeout"}
        elif text == "heartbeat-timeout":
            answers[callee] = {"timeout": "States.HeartbeatTimeout"}
        elif text.startswith("fail:"):
            error, _, cause = text[len("fail:"):].partition(":")
            if not error:
                raise ValueError(f"--callback {spec!r}: fail: needs an error name ({USAGE})")
            answers[callee] = {"error": error, "cause": cause}
        else:
            try:
                answers[callee] = {"ok": json.loads(text)}
            except ValueError:
                raise ValueError(f"--callback {spec!r}: the answer is not JSON (expected {USAGE})") from None
    return answers


def waiting_callees(definition: dict) -> list[tuple[str, str]]:
    """(state name, callee key) of every ``.waitForTaskToken`` Task that invokes the dispatcher."""
    from pysfn.local.callbacks import WAIT_FOR_TOKEN
    found = []

    def walk(states: dict) -> None:
        for name, state in states.items():
            if state.get("Type") == "Task" and state.get("Resource") == WAIT_FOR_TOKEN:
                payload = (state.get("Arguments") or {}).get("Payload")
                if isinstance(payload, dict) and isinstance(payload.get("callee"), str):
                    found.append((name, payload["callee"]))
            for branch in state.get("Branches", []):
                walk(branch.get("States", {}))
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                walk(processor.get("States", {}))
    walk(definition.get("States", {}))
    return found


def responder(definition: dict, answers: dict[str, dict]):
    """``respond(token, payload)`` for pysfn.local, or None when the machine waits for nothing;
    ValueError naming a waiting callee that has no answer."""
    waiting = waiting_callees(definition)
    for state, callee in waiting:
        if callee not in answers and callee.rpartition(".")[2] not in answers:
            raise ValueError(f"state '{state}' waits for the callback of '{callee}', and nothing would answer it "
                             f"in this run\nhint: --callback {callee}='{{\"approved\": true}}' (or "
                             f"{callee}=fail:ERROR:CAUSE, {callee}=timeout)")
    if not waiting:
        return None

    def respond(token: str, payload) -> dict:
        key = payload.get("callee") if isinstance(payload, dict) else None
        return dict(answers.get(key) or answers[str(key).rpartition(".")[2]])
    return respond
