"""Hoisted callee calls keep their own Task: @PSF.retry, @PSF.timeout, with_retry_spec and the
enclosing ``except`` apply to a call nested in an expression as to a call of its own."""
import pysfn as PSF

ATTEMPTS = {}


class Transient(ConnectionError):
    pass


@PSF.retry(on=[ConnectionError], max_attempts=2, interval=1)
@PSF.timeout(30)
def flaky(key, mode):
    n = ATTEMPTS.get(key, 0) + 1
    ATTEMPTS[key] = n
    if mode == "value":
        raise ValueError("not retried")
    if mode == "always" or (mode == "once" and n == 1):
        raise Transient(f"{key} attempt {n} failed")
    return f"{key} ok"


def wrap(x):
    return f"[{x}]"


def fail_if(x, bad):
    if x == bad:
        raise KeyError(x)
    return x


@PSF.main
def errors(key, mode="once", bad=None, map_bad=None):
    try:
        result = wrap(flaky(key, mode))                 # flaky retried in its own Task, then wrap
    except ValueError as e:
        result = "caught " + str(e)
    try:
        picked = [fail_if(1, bad), fail_if(2, bad) * 10]
    except KeyError as e:
        picked = ["caught", str(e)]
    try:
        mapped = [wrap(fail_if(i, map_bad)) for i in [1, 2, 3]]  # the Map's Catch: the item's error
    except KeyError as e:
        mapped = "caught " + str(e)
    again = wrap(PSF.with_retry_spec(flaky, (key + "-spec", "never" if mode == "value" else mode),
                                     ([ConnectionError], 1, 3)))
    return {"result": result, "picked": picked, "mapped": mapped, "again": again}


CASES = [
    {"key": "a", "mode": "never"},
    {"key": "b", "mode": "once", "bad": 2},
    {"key": "c", "mode": "value", "bad": 1},
    {"key": "d", "mode": "always"},
]
# an item of the Map fails while the others run: the same result; the counts depend on timing
RACY_CASES = [{"key": "e", "mode": "never", "map_bad": 2}]
