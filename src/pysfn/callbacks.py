"""Callbacks: ``PSF.wait_for_callback(callee, *args, timeout=, heartbeat=)`` and its responders.

In the compiled machine the call is one Task, ``arn:aws:states:::lambda:invoke.waitForTaskToken``:
the dispatcher Lambda calls ``callee(token, *args)`` (the callee tells a human or an outside system
where to answer), then the execution waits until someone calls ``SendTaskSuccess`` (its output is
the call's value) or ``SendTaskFailure`` (the call raises the sent error: ``except E`` of a class
named E catches it), or until ``timeout``/``heartbeat`` seconds pass (``PSF.Timeout`` /
``PSF.HeartbeatTimeout``: ``States.Timeout`` / ``States.HeartbeatTimeout``).

Natively, and in pysfn's own interpreter (``pysfn run``, ``--pysfn-compiled``, ``pysfn_workflow``),
nobody outside answers: a *responder* registered for the callee does. It gets ``(token, *args)``
and returns the answer (what a sender would pass as ``output``, read back as Step Functions reads
JSON: a whole float ``2.0`` is the int ``2``), or raises: ``PSF.Timeout()`` / ``PSF.HeartbeatTimeout()``
stand for the timers firing, any other exception for ``SendTaskFailure(error=PSF.error_name(e),
cause=str(e))``. ``wait_for_callback`` natively calls the callee first (it must still run: it is
what notifies the human), then the responder::

    PSF.callbacks.respond(ask_manager, lambda token, order, amount: {"approved": True})
    with PSF.callbacks.responding(ask_manager, handler): ...   # registered for the block only

Stdlib only: this module ships in the Lambda package with the runtime.
"""

from __future__ import annotations

import contextlib
import itertools
import json

_FLOAT_KEY = "$float"          # compiler/numbers.py: a whole float in the machine's representation
_MAX_EXACT = 2 ** 53 - 1

_responders: dict[str, object] = {}
_tokens = itertools.count(1)


class Timeout(Exception):
    """The Task's timer fired (``States.Timeout``): ``except PSF.Timeout`` catches it (and a
    ``PSF.HeartbeatTimeout``, its subclass). Raise it from a responder to test the timeout path."""

    error = "States.Timeout"


class HeartbeatTimeout(Timeout):
    """No heartbeat within ``heartbeat`` seconds (``States.HeartbeatTimeout``)."""

    error = "States.HeartbeatTimeout"


class NoResponder(RuntimeError):
    """A callback nobody answers: natively or locally there is no ``SendTaskSuccess`` to wait for."""


# The message of a CallbackAnswerError, the same text the compiled machine fails with.
ANSWER_PROBLEM = ("pysfn: a callback's answer holds a number beyond 2**53 the state machine cannot hold exactly, "
                  "or a dict with the reserved key '$float'")


class CallbackAnswerError(Exception):
    """A responder's answer the machine could not read as the same value (not JSON, an int beyond
    2**53, the reserved key ``"$float"``): the compiled machine fails there too."""


def _key(callee) -> str:
    if isinstance(callee, str):
        return callee
    fn = getattr(callee, "__pysfn_callee__", callee)
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(f"a responder is registered for a callee (a function or its name), not {callee!r}")
    return name


def respond(callee, handler) -> None:
    """Answer every ``PSF.wait_for_callback(callee, ...)`` with ``handler(token, *args)`` (until
    ``clear()``). ``callee`` is the function or its name (``"ask_manager"``, ``"mod.ask_manager"``)."""
    if not callable(handler):
        raise TypeError("the handler of a callback is a function of (token, *args)")
    _responders[_key(callee)] = handler


@contextlib.contextmanager
def responding(callee, handler):
    """``respond(callee, handler)`` for the ``with`` block only."""
    key = _key(callee)
    before = _responders.get(key)
    respond(callee, handler)
    try:
        yield
    finally:
        if before is None:
            _responders.pop(key, None)
        else:
            _responders[key] = before


def clear() -> None:
    """Forget every responder (the ``pysfn_callbacks`` fixture calls it after each test)."""
    _responders.clear()


def responder_for(key: str):
    """The handler registered for a callee key (``mod.fn`` also finds one registered as ``fn``)."""
    return _responders.get(key) or _responders.get(key.rpartition(".")[2])


def _no_responder(key: str) -> NoResponder:
    return NoResponder(f"PSF.wait_for_callback({key}, ...): no responder is registered for '{key}', so nobody "
                       f"would answer the callback (SendTaskSuccess/SendTaskFailure); in a test, "
                       f"PSF.callbacks.respond({key}, handler) says how it is answered")


def plain(value, check: bool = False):
    """The answer as Step Functions reads it back from ``SendTaskSuccess``'s JSON output: plain
    JSON types, a whole float as an int (``2.0`` is read as ``2``), a tuple as a list. With
    ``check``, CallbackAnswerError for what the machine cannot hold as the same value (its Task
    fails there: the result is checked as the execution input is, compiler/callbacks.py)."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise CallbackAnswerError(f"a callback's answer must be JSON (SendTaskSuccess sends JSON text): {e}") from None
    return _read(json.loads(text), check)


def _read(value, check: bool):
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if check and abs(value) > _MAX_EXACT:
            raise CallbackAnswerError(ANSWER_PROBLEM)
        return value
    if isinstance(value, list):
        return [_read(v, check) for v in value]
    if isinstance(value, dict):
        if check and _FLOAT_KEY in value:
            raise CallbackAnswerError(ANSWER_PROBLEM)
        return {k: _read(v, check) for k, v in value.items()}
    return value


def _check_seconds(label: str, value) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"the {label} of a callback is a whole number of seconds >= 1")


def wait_for_callback(callee, *args, timeout: int | None = None, heartbeat: int | None = None):
    """Call ``callee(token, *args)``, then wait for the answer sent with the token (see the module
    docstring). Natively: the registered responder answers at once."""
    _check_seconds("timeout", timeout)
    _check_seconds("heartbeat", heartbeat)
    if heartbeat is not None and timeout is None:
        raise ValueError("a callback's heartbeat needs a timeout too")
    if timeout is not None and heartbeat is not None and heartbeat >= timeout:
        raise ValueError("the heartbeat of a callback must be smaller than its timeout")
    key = _key(callee)
    handler = responder_for(key)
    if handler is None:  # before the callee runs: a test that forgot it should not notify anyone
        raise _no_responder(key)
    token = f"pysfn-native-token-{next(_tokens)}"
    callee(token, *args)
    try:
        answer = handler(token, *args)
    except HeartbeatTimeout:
        if heartbeat is None:  # the machine has no HeartbeatSeconds: this cannot happen there
            raise TypeError(f"the responder of {key} raised PSF.HeartbeatTimeout, but this wait has no "
                            f"heartbeat=: the state machine would never fail so") from None
        raise
    except Timeout:
        if timeout is None:
            raise TypeError(f"the responder of {key} raised PSF.Timeout, but this wait has no timeout=: "
                            f"the state machine would wait (up to the execution's year) instead") from None
        raise
    return plain(answer, check=True)


# --------------------------------------------------------------------------- local runs

def _decode(value):
    """The machine's representation (tagged whole floats) as Python values, as the callee gets them."""
    if isinstance(value, dict):
        if _FLOAT_KEY in value and len(value) == 1:
            v = value[_FLOAT_KEY]
            return -0.0 if v == "-0" else float(v)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def answer(token: str, payload) -> dict:
    """The answer to a ``.waitForTaskToken`` Lambda Task whose ``payload`` is the dispatcher's event
    (``{"callee": key, "args": [token, *args]}``), from the registered responder, as pysfn.local and
    the oracle take it: ``{"ok": value}`` (SendTaskSuccess), ``{"error": E, "cause": C}``
    (SendTaskFailure) or ``{"timeout": "States.Timeout" | "States.HeartbeatTimeout"}``.
    NoResponder when none is registered."""
    key = payload.get("callee") if isinstance(payload, dict) else None
    if not isinstance(key, str):
        raise NoResponder(f"a .waitForTaskToken Task sent {payload!r}, not a pysfn dispatcher event: "
                          f"no responder can be found for it")
    handler = responder_for(key)
    if handler is None:
        raise _no_responder(key)
    args = _decode(payload.get("args") or [])[1:]  # the token is the first argument
    try:
        value = handler(token, *args)
    except Timeout as e:
        return {"timeout": e.error}
    except Exception as e:  # noqa: BLE001 -- a responder's exception is a SendTaskFailure
        from pysfn.runtime import error_name
        return {"error": error_name(e), "cause": str(e)}
    return {"ok": plain(value)}  # not checked here: the machine checks what it reads
