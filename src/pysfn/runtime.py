"""The pysfn runtime: what a workflow module imports as ``import pysfn as PSF``.

Everything here has its plain CPython meaning (DESIGN.md §1), so a workflow runs and
is tested like any Python code. The compiler recognises these names statically and
gives them their Step Functions meaning. This module is shipped inside every Lambda
package, so it must stay dependency-free (stdlib only) and import nothing from the
compiler.
"""

from __future__ import annotations

import datetime as _dt
import re as _re

from pysfn import callbacks as _callbacks
from pysfn.callbacks import HeartbeatTimeout, Timeout, wait_for_callback  # noqa: F401 - public API

callbacks = _callbacks  # PSF.callbacks.respond(callee, handler): how a test answers a callback

__all__ = [
    "main", "Fail", "parallel", "map", "with_retry_spec", "retry", "timeout", "wait",
    "promise", "Promise", "error_name",
    "wait_for_callback", "Timeout", "HeartbeatTimeout", "callbacks",
    # ASL comparison helpers
    "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
    "StringGreaterThanEquals", "StringMatches",
    "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals",
    "NumericGreaterThanEquals",
    "BooleanEquals",
    "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
    "TimestampLessThanEquals", "TimestampGreaterThanEquals",
    "IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp",
]


# --------------------------------------------------------------------------- entry, failure

# Set only by the pytest plugin's --pysfn-compiled mode: a function that wraps each entry so
# that calling it runs the compiled machine. None everywhere else (and always in Lambda).
_main_hook = None


def main(fn):
    """Mark the entry function of a workflow module.

    Returns ``fn`` with its arguments checked against its signature and annotations first,
    as the compiled machine checks its execution input (``pysfn/contract.py``): a missing or
    unknown input, or one of the wrong type, is a TypeError naming the input.
    """
    from pysfn.contract import checked  # stdlib only, shipped with the runtime
    fn.__pysfn_main__ = True
    if _main_hook is not None:
        return _main_hook(fn)
    entry = checked(fn)
    entry.__pysfn_main__ = True
    return entry


class Fail(Exception):
    """``raise Fail(error, cause)`` ends the workflow with Error=error, Cause=cause.

    In the compiled machine it is a Fail state; raised inside a callee, the Lambda
    reports it with ``error`` as its error type.
    """

    def __init__(self, error: str, cause: str = ""):
        super().__init__(error, cause)
        self.error = error
        self.cause = cause

    def __str__(self) -> str:
        return self.cause


def error_name(exc: BaseException) -> str:
    """The error name Step Functions would report for ``exc``."""
    if isinstance(exc, (Fail, _callbacks.Timeout)):
        return exc.error
    return type(exc).__name__


# --------------------------------------------------------------------------- concurrency

def parallel(*branches):
    """Run zero-argument functions and return their results in order (ASL: Parallel)."""
    return [branch() for branch in branches]


def map(fn, items, max_concurrency: int = 0, mode: str = "inline"):  # noqa: A001 - public API name
    """``[fn(x) for x in items]`` (ASL: Map)."""
    return [fn(item) for item in items]


# --------------------------------------------------------------------------- retries

def _matches(exc: BaseException, errors) -> bool:
    """Does ``exc`` match a retry/catch error list (classes or ASL error names)?"""
    for err in errors:
        if isinstance(err, type) and isinstance(exc, err):
            return True
        if isinstance(err, str) and err in ("States.ALL", "States.TaskFailed", error_name(exc)):
            return True
    return False


def _normalise_spec(spec):
    """(errors, interval=1, max_attempts=3, backoff=2.0) with ASL's defaults."""
    spec = tuple(spec)
    if not 1 <= len(spec) <= 4:
        raise TypeError("a retry spec is (errors, interval, max_attempts, backoff_rate)")
    errors, interval, max_attempts, backoff = spec + (1, 3, 2.0)[len(spec) - 1:]
    if isinstance(errors, (str, type)):
        errors = [errors]
    return list(errors), interval, max_attempts, backoff


def _call_with_retries(fn, args, kwargs, retriers):
    """``fn(*args, **kwargs)`` retried as an ASL ``Retry`` list: the first retrier whose errors
    match decides, each counts its own attempts, and no time is spent waiting."""
    attempts = [0] * len(retriers)
    while True:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            for i, (errors, _interval, max_attempts, _backoff) in enumerate(retriers):
                if _matches(exc, errors):
                    if attempts[i] >= max_attempts:
                        raise
                    attempts[i] += 1
                    break
            else:
                raise


def with_retry_spec(fn, args, *specs):
    """Call ``fn(*args)``, retrying as the ASL ``Retry`` field built from ``specs`` would.

    Each spec is ``(errors, interval, max_attempts, backoff_rate)``; trailing fields may
    be omitted. As in Step Functions, the first spec whose errors match decides, each
    spec counts its own attempts, and time is not spent waiting.
    """
    if not isinstance(args, tuple):
        args = (args,)
    # One Retry list, as the compiled Task has: the call's specs first, then the callee's own
    # @PSF.retry (not a retry loop inside another one).
    retriers = [_normalise_spec(s) for s in specs] + list(getattr(fn, "__pysfn_retries__", []))
    return _call_with_retries(getattr(fn, "__pysfn_callee__", fn), args, {}, retriers)


def retry(on=("States.ALL",), interval: float = 1, max_attempts: int = 3,
          backoff_rate: float = 2.0, max_delay=None, jitter=None):
    """Decorator for a callee: the compiled Tasks that call it get this ``Retry``.

    Natively the callee is retried the same way (without waiting), so tests can exercise a
    flaky callee. Stacked decorators keep source order: the top one is tried first. The
    dispatcher Lambda calls the undecorated function (``__pysfn_callee__``): there, Step
    Functions does the retrying.
    """
    spec = _normalise_spec((on, interval, max_attempts, backoff_rate))

    def decorate(fn):
        if hasattr(fn, "__pysfn_retries__"):  # already retrying: one more retrier, tried first
            fn.__pysfn_retries__.insert(0, spec)
            return fn
        retriers = [spec]

        def retrying(*args, **kwargs):
            return _call_with_retries(fn, args, kwargs, retriers)
        retrying.__name__, retrying.__qualname__, retrying.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        retrying.__module__, retrying.__wrapped__ = fn.__module__, fn
        retrying.__pysfn_retries__ = retriers
        retrying.__pysfn_callee__ = getattr(fn, "__pysfn_callee__", fn)
        return retrying
    return decorate


def timeout(seconds: int):
    """Decorator for a callee: ``TimeoutSeconds`` on the Tasks that call it. Natively a no-op."""
    def decorate(fn):
        fn.__pysfn_timeout__ = seconds
        return fn
    return decorate


def wait(seconds=None, until=None):
    """A ``Wait`` state in the compiled machine; natively returns at once (time is skipped).

    The arguments are checked as the machine checks them: seconds a number >= 0."""
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0):
        raise ValueError("the seconds to wait must be a number >= 0")
    return None


# --------------------------------------------------------------------------- promise chains

class Promise:
    """``promise(fn, *args).then(g).catch(handler).result()`` — see DESIGN.md §1."""

    def __init__(self, fn, args, kwargs):
        self._steps = [("call", fn, args, kwargs)]

    def then(self, fn):
        self._steps.append(("then", fn, None, None))
        return self

    def catch(self, error_or_handler, handler=None):
        if handler is None:
            self._steps.append(("catch", error_or_handler, None, None))
        else:
            errors = error_or_handler if isinstance(error_or_handler, (list, tuple)) else [error_or_handler]
            self._steps.append(("catch", handler, list(errors), None))
        return self

    def result(self):
        value, failure = None, None
        for kind, fn, extra, kwargs in self._steps:
            if kind == "catch":
                if failure is not None and (extra is None or _matches(failure, extra)):
                    caught, failure = failure, None
                    try:  # a handler that raises is caught by a later .catch, like any step
                        value = fn({"error": error_name(caught), "cause": str(caught)})
                    except Exception as exc:
                        failure = exc
                continue
            if failure is not None:
                continue
            try:
                value = fn(*extra, **kwargs) if kind == "call" else fn(value)
            except Exception as exc:
                failure = exc
        if failure is not None:
            raise failure
        return value


def promise(fn, *args, **kwargs) -> Promise:
    return Promise(fn, args, kwargs)


# --------------------------------------------------------------------------- ASL comparisons
# Each helper has the meaning of the ASL comparison operator of the same name: a value of
# the wrong type compares false rather than raising.

def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _timestamp(v):
    if not isinstance(v, str):
        return None
    try:
        return _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None


def _strings(op):
    return lambda a, b: isinstance(a, str) and isinstance(b, str) and op(a, b)


def _numbers(op):
    return lambda a, b: _is_num(a) and _is_num(b) and op(a, b)


def _timestamps(op):
    def compare(a, b):
        ta, tb = _timestamp(a), _timestamp(b)
        return ta is not None and tb is not None and op(ta, tb)
    return compare


StringEquals = _strings(lambda a, b: a == b)
StringLessThan = _strings(lambda a, b: a < b)
StringGreaterThan = _strings(lambda a, b: a > b)
StringLessThanEquals = _strings(lambda a, b: a <= b)
StringGreaterThanEquals = _strings(lambda a, b: a >= b)
NumericEquals = _numbers(lambda a, b: a == b)
NumericLessThan = _numbers(lambda a, b: a < b)
NumericGreaterThan = _numbers(lambda a, b: a > b)
NumericLessThanEquals = _numbers(lambda a, b: a <= b)
NumericGreaterThanEquals = _numbers(lambda a, b: a >= b)
TimestampEquals = _timestamps(lambda a, b: a == b)
TimestampLessThan = _timestamps(lambda a, b: a < b)
TimestampGreaterThan = _timestamps(lambda a, b: a > b)
TimestampLessThanEquals = _timestamps(lambda a, b: a <= b)
TimestampGreaterThanEquals = _timestamps(lambda a, b: a >= b)


def BooleanEquals(a, b) -> bool:
    return isinstance(a, bool) and isinstance(b, bool) and a == b


def StringMatches(value, pattern) -> bool:
    """ASL glob: ``*`` matches any run of characters, ``\\*`` a literal star."""
    if not (isinstance(value, str) and isinstance(pattern, str)):
        return False
    parts = _re.split(r"(\\\\|\\\*|\*)", pattern)
    regex = "".join(".*" if p == "*" else _re.escape(p[1:] if p in ("\\*", "\\\\") else p) for p in parts)
    return _re.fullmatch(regex, value, _re.DOTALL) is not None


def IsNull(value) -> bool:
    return value is None


def IsPresent(value) -> bool:
    return True


def IsString(value) -> bool:
    return isinstance(value, str)


def IsNumeric(value) -> bool:
    return _is_num(value)


def IsBoolean(value) -> bool:
    return isinstance(value, bool)


def IsTimestamp(value) -> bool:
    return _timestamp(value) is not None
