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
