"""PSF.with_retry_spec: Retry on the Task, and the same retries natively."""
import pysfn as PSF

ATTEMPTS = {}


class Flaky(Exception):
    pass


class VeryFlaky(Flaky):
    pass


def unreliable(token, failures, kind="Flaky"):
    """Fails `failures` times per token, then succeeds."""
    ATTEMPTS[token] = ATTEMPTS.get(token, 0) + 1
    if ATTEMPTS[token] <= failures:
        raise (VeryFlaky if kind == "VeryFlaky" else Flaky if kind == "Flaky" else ValueError)(
            f"attempt {ATTEMPTS[token]}")
    return {"token": token, "attempts": ATTEMPTS[token]}


@PSF.main
def retrying(token, second_token="b", failures=1, kind="Flaky"):
    first = PSF.with_retry_spec(unreliable, (token, failures, kind), ([Flaky], 1, 2, 2.0))
    second = PSF.with_retry_spec(unreliable, (second_token, failures), ([VeryFlaky],), (["States.ALL"], 1, 1))
    return [first, second]


CASES = [
    {"token": "t1", "second_token": "s1", "failures": 0},
    {"token": "t2", "second_token": "s2", "failures": 1},
    {"token": "t3", "second_token": "s3", "failures": 2, "kind": "VeryFlaky"},   # subclass matched by the Flaky spec
    {"token": "t4", "second_token": "s4", "failures": 3},                         # retries exhausted: Flaky
    {"token": "t5", "second_token": "s5", "failures": 1, "kind": "ValueError"},  # not retried
]
