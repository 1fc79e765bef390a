"""What Step Functions accepts in a Retry or a timeout, checked at the decorator's line.

``@PSF.retry(on="")``, ``on="States.Tiemout"`` or ``max_attempts=10**9`` used to reach the ASL
validator, which (rightly) called the definition invalid: an "internal error" for a mistake of
the user. The same rules (ASL-NOTES.md; the ranges are the service's, in ``asl/schema.json``) are
applied here to the source, where the diagnostic can point at the argument.
"""

from __future__ import annotations

import ast
import difflib

from pysfn.asl.validator import PREDEFINED_ERRORS

# (lowest, highest) as Step Functions accepts them
RANGES = {
    "interval": (1, 99_999_999),        # IntervalSeconds
    "max_attempts": (0, 99_999_999),    # MaxAttempts
    "max_delay": (1, 31_622_400),       # MaxDelaySeconds (one year)
    "the timeout": (1, 99_999_999),     # TimeoutSeconds
}
MAX_BACKOFF_RATE = 1e308  # BackoffRate: >= 1.0, and a finite JSON number


def check_error_name(rep, node: ast.AST, name: str) -> None:
    """An error name a Retry/Catch may list: non-empty, and a ``States.`` name AWS defines."""
    if not name.strip():
        raise rep.error(node, "an empty error name never matches an error",
                        "name an exception class or an ASL error such as 'States.Timeout'")
    if name.startswith("States.") and name not in PREDEFINED_ERRORS:
        close = difflib.get_close_matches(name, sorted(PREDEFINED_ERRORS), n=1, cutoff=0.6)
        raise rep.error(node, f"'{name}' is not an error Step Functions defines"
                        + (f"; did you mean '{close[0]}'?" if close else ""),
                        "the States.* errors: " + ", ".join(sorted(PREDEFINED_ERRORS)))


def check_range(rep, node: ast.AST, label: str, value) -> None:
    """``value`` (already an int of the right kind) within the service's range for ``label``."""
    low, high = RANGES[label]
    if not low <= value <= high:
        raise rep.error(node, f"{label} is {value:,}; Step Functions accepts {low:,} to {high:,}",
                        "decorator and retry-spec arguments are checked against AWS's limits")


def check_backoff(rep, node: ast.AST, value) -> None:
    if not 1 <= value <= MAX_BACKOFF_RATE:
        raise rep.error(node, f"backoff_rate is {value!r}; Step Functions accepts a finite number >= 1.0",
                        "backoff_rate=2.0 doubles the interval after each attempt")


def check_fail(rep, error_node: ast.AST, error: str | None, cause_node: ast.AST | None, cause: str | None) -> None:
    """``raise PSF.Fail(error, cause)`` with constants the Fail state cannot carry: a ``States.``
    name AWS does not define (custom errors may not use the prefix), an error or cause over the
    validator's lengths (asl/validator.py, from the ASL schema)."""
    from pysfn.asl.validator import MAX_CAUSE, MAX_ERROR
    if error is not None:
        if error.startswith("States.") and error not in PREDEFINED_ERRORS:
            close = difflib.get_close_matches(error, sorted(PREDEFINED_ERRORS), n=1, cutoff=0.6)
            raise rep.error(error_node, f"'{error}' is not an error Step Functions defines, and custom error names "
                            "may not start with 'States.'" + (f"; did you mean '{close[0]}'?" if close else ""),
                            "name your own error without the prefix: PSF.Fail(\"OrderRejected\", cause)")
        if len(error) > MAX_ERROR:
            raise rep.error(error_node, f"this error name is {len(error):,} characters; a Fail state's Error is at "
                            f"most {MAX_ERROR:,}", "use a short name and put the details in the cause")
    if cause is not None and len(cause) > MAX_CAUSE:
        raise rep.error(cause_node, f"this cause is {len(cause):,} characters; a Fail state's Cause is at most "
                        f"{MAX_CAUSE:,}", "shorten the message (or keep the details outside the workflow)")
