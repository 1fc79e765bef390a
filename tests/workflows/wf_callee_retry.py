"""@PSF.retry and @PSF.timeout on callees: retried natively and by Step Functions alike."""
import pysfn as PSF

ATTEMPTS = {}


class Transient(ConnectionError):
    pass


@PSF.retry(on=[ConnectionError], max_attempts=2, interval=1, backoff_rate=1.5, max_delay=5, jitter=True)
@PSF.retry(on=["States.Timeout"], max_attempts=1)
@PSF.timeout(30)
def flaky(key, mode):
    n = ATTEMPTS.get(key, 0) + 1
    ATTEMPTS[key] = n
    if mode == "value":
        raise ValueError("not retried: the retry is on ConnectionError only")
    if mode == "always" or (mode == "once" and n == 1):
        raise Transient(f"{key} attempt failed")
    return f"{key} ok"


@PSF.main
def retried(key, mode="once"):
    try:
        result = flaky(key, mode)
    except ValueError as e:
        result = "caught " + str(e)
    return result


CASES = [
    {"key": "first-time-lucky", "mode": "never"},
    {"key": "second-time-lucky", "mode": "once"},
    {"key": "never-lucky", "mode": "always"},
    {"key": "wrong-error", "mode": "value"},
]
