"""Step Functions payload quotas, checked as AWS checks them: sizes in UTF-8 bytes of the JSON text.

Exceeding one fails the state with ``States.DataLimitExceeded``, a terminal error that ``States.ALL``
does not catch. The interpreter serialises each value once (for the event history) and measures that
text, so the checks cost no second serialisation.
"""

from __future__ import annotations

from .errors import DATA_LIMIT_EXCEEDED, StatesError

PAYLOAD_LIMIT = 256 * 1024          # a state's input/output, the execution input/output, a Task result
VARIABLE_LIMIT = 256 * 1024         # one variable's value; also all values of one Assign together
EXECUTION_VARIABLES_LIMIT = 10 * 1024 * 1024  # all variables held by one execution at a time


def text_size(text: str) -> int:
    """Size in bytes of JSON text once encoded as UTF-8."""
    # "surrogatepass": a lone surrogate (half of a character above U+FFFF, which AWS's UTF-16
    # strings can produce: aws_jsonata) counts as the three bytes it would take
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def check_payload(text: str, name: str) -> None:
    """``text`` is the JSON of the output of the state ``name``: AWS's wording."""
    if len(text) > PAYLOAD_LIMIT // 4 and text_size(text) > PAYLOAD_LIMIT:
        raise StatesError(DATA_LIMIT_EXCEEDED, f"The state/task '{name}' returned a result with a size "
                                               f"exceeding the maximum number of bytes service limit.")


def check_result(text: str, name: str) -> None:
    """A Task's result (the Lambda response) over the quota: unlike the other quota errors, a
    Catch on States.ALL catches it (AWS-MEASURED and the corpus)."""
    try:
        check_payload(text, name)
    except StatesError as error:
        error.catchable = True
        raise


# ---------------------------------------------------------------------------------------------
# Bounds of one execution (issue 16): what AWS enforces, and an evaluation budget per expression.
#
# * Standard: at most 25,000 events in the execution history; the execution fails
#   (``States.Runtime``, which no Catch or Retry sees). A runaway Choice loop, a retrier with
#   ``MaxAttempts: 99999999`` or a 1,000,000-item Map stops there.
# * Express: at most 5 minutes; the execution times out (status ``TIMED_OUT``, ``States.Timeout``).
# * Every JSONata evaluation: at most 1 second (AWS's measured per-expression limit, here in CPU
#   time of the evaluating thread so a loaded machine does not fail a correct run), failing the
#   state with ``States.QueryEvaluationError`` as AWS does. ``$range`` and ``$pad`` refuse sizes no
#   state could ever carry (AWS has a memory limit per expression; these are pysfn's, stated in
#   the cause), before allocating them.
# All are configurable for long local runs (``RunLimits``; ``pysfn run --max-events ...``).

import threading
import time
from dataclasses import dataclass

STANDARD_HISTORY_EVENTS = 25_000
EXPRESS_DURATION_SECONDS = 5 * 60
EXPRESSION_SECONDS = 1.0
MAX_RANGE_ITEMS = 1_000_000     # as JSON, more than 256 KiB: no state could carry such a list
MAX_PAD_WIDTH = 10_000_000      # characters
MAX_RETRY_DELAY = 31_622_400    # seconds: a back-off never exceeds a year (MaxDelaySeconds' maximum)


@dataclass(frozen=True)
class RunLimits:
    """The bounds of one local execution; ``None`` switches a bound off."""
    max_events: int | None = STANDARD_HISTORY_EVENTS
    max_seconds: float | None = None
    expression_seconds: float | None = EXPRESSION_SECONDS
    max_range_items: int = MAX_RANGE_ITEMS
    max_pad_width: int = MAX_PAD_WIDTH

    @classmethod
    def standard(cls, **changes) -> "RunLimits":
        return cls(**changes)

    @classmethod
    def express(cls, **changes) -> "RunLimits":
        return cls(**{"max_events": None, "max_seconds": EXPRESS_DURATION_SECONDS, **changes})


class ExecutionStopped(Exception):
    """The execution as a whole ends here (no Catch, no Retry): a history or duration bound."""

    def __init__(self, status: str, error: str, cause: str):
        super().__init__(f"{error}: {cause}")
        self.status, self.error, self.cause = status, error, cause


class ExecutionBounds:
    """Checks ``RunLimits`` for one execution; the interpreter calls ``check`` at every state
    entered and every retry attempt (the points where events accumulate)."""

    def __init__(self, limits: RunLimits, record):
        self.limits, self.record = limits, record
        self.started = time.monotonic()

    def check(self) -> None:
        limits = self.limits
        if limits.max_events is not None and len(self.record.events) >= limits.max_events:
            raise ExecutionStopped("FAILED", "States.Runtime",
                                   f"The execution reached the maximum number of history events "
                                   f"({limits.max_events}): a Standard workflow's history holds at most 25,000 "
                                   "(pysfn run --max-events changes the local bound)")
        if limits.max_seconds is not None and time.monotonic() - self.started > limits.max_seconds:
            raise ExecutionStopped("TIMED_OUT", "States.Timeout",
                                   f"The execution ran for more than {limits.max_seconds:g} seconds (an Express "
                                   "workflow runs at most 5 minutes; pysfn run --max-seconds changes the local bound)")


_active = threading.local()


def activate(limits: RunLimits | None) -> RunLimits | None:
    """Make ``limits`` the ones expressions of this thread are evaluated under; returns the previous."""
    previous = getattr(_active, "limits", None)
    _active.limits = limits
    return previous


def active() -> RunLimits:
    return getattr(_active, "limits", None) or _DEFAULT


_DEFAULT = RunLimits()


class _BudgetExceeded(Exception):
    pass


def evaluation_hook(error_class):
    """A jsonata-python ``__evaluate_entry`` callback enforcing the per-expression time budget
    (checked every 256 evaluation steps: cheap), raising ``error_class(message)``; None if off."""
    seconds = active().expression_seconds
    if seconds is None:
        return None
    clock = time.thread_time
    deadline = clock() + seconds
    steps = [0]

    def entry(expr, input, env):
        steps[0] += 1
        if steps[0] & 255 == 0 and clock() > deadline:
            raise error_class(f"The JSONata evaluation took more than {seconds:g} second(s): Step Functions "
                              "stops an expression after 1 second (pysfn run --expression-seconds changes the "
                              "local budget)")
    return entry


def guarded_functions(error_class) -> dict:
    """Replacements for JSONata functions that could allocate without bound in one call."""
    from jsonata.functions import Functions

    def pad(string=None, width=None, char=None):
        limit = active().max_pad_width
        if isinstance(width, (int, float)) and not isinstance(width, bool) and abs(width) > limit:
            raise error_class(f"$pad: a width of {width:g} characters is beyond pysfn's bound of {limit:,} "
                              "(no state can carry such a string)")
        return Functions.pad(string, width, char)
    return {"pad": pad}


def check_range_size(start, end, step, error_class) -> None:
    """``$range(start, end, step)`` would produce more items than ``max_range_items``."""
    limit = active().max_range_items
    try:
        count = (end - start) / step + 1
    except (TypeError, ZeroDivisionError, OverflowError):
        return
    if count > limit:
        raise error_class(f"$range: {count:,.0f} items is beyond pysfn's bound of {limit:,} (as JSON such a list "
                          "is larger than the 256 KiB a state can carry)")


def bounded_regex_engine(error_class):
    """A jsonata-python ``regex_engine`` whose matching stops after the expression budget.

    Python's ``re`` cannot be interrupted (``(a+)+$`` on 40 characters runs for hours); the
    ``regex`` package (VERSION0: ``re``'s syntax and behaviour) takes a timeout per call. It is not
    a dependency of pysfn: without it, patterns run on ``re``, unbounded (future-work.md)."""
    try:
        import regex
    except ImportError:
        return None
    from jsonata.regex_engine import default_regex_engine

    class Bounded:
        """A compiled pattern whose calls time out; other attributes are the pattern's own."""

        def __init__(self, pattern):
            self._pattern = pattern

        def __getattr__(self, name):
            return getattr(self._pattern, name)

        def _call(self, method, *args, **kwargs):
            seconds = active().expression_seconds
            try:
                result = getattr(self._pattern, method)(*args, timeout=seconds, **kwargs)
                return list(result) if method == "finditer" else result  # matched now, within the budget
            except TimeoutError:
                raise error_class(f"the regular expression /{self._pattern.pattern}/ ran for more than "
                                  f"{seconds:g} second(s): Step Functions stops an expression after 1 second") from None

        def search(self, string, *args, **kwargs):
            return self._call("search", string, *args, **kwargs)

        def match(self, string, *args, **kwargs):
            return self._call("match", string, *args, **kwargs)

        def fullmatch(self, string, *args, **kwargs):
            return self._call("fullmatch", string, *args, **kwargs)

        def finditer(self, string, *args, **kwargs):
            return iter(self._call("finditer", string, *args, **kwargs))

        def findall(self, string, *args, **kwargs):
            return self._call("findall", string, *args, **kwargs)

        def sub(self, repl, string, count=0, *args, **kwargs):
            return self._call("sub", repl, string, count, *args, **kwargs)

        def split(self, string, maxsplit=0, *args, **kwargs):
            return self._call("split", string, maxsplit, *args, **kwargs)

    def engine(pattern, flags):
        compiled = default_regex_engine(pattern, flags)  # re's errors for a bad pattern, as before
        try:
            return Bounded(regex.compile(pattern, compiled.flags | regex.VERSION0))
        except regex.error:  # a pattern re accepts and regex does not: keep re
            return compiled
    return engine
