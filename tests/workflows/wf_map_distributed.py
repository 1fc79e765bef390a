"""PSF.map(..., mode="distributed"): each item a child execution; the same results as inline."""
import pysfn as PSF


def grade(score):
    if score < 0:
        raise ValueError(f"negative score {score}")
    return "pass" if score >= 50 else "fail"


@PSF.main
def grades(scores):
    return PSF.map(grade, scores, mode="distributed", max_concurrency=100)


CASES = []
# Child executions: pysfn.local counts their transitions, moto does not; results are compared.
# (A failing item fails a distributed Map with States.ExceedToleratedFailureThreshold on AWS,
# and moto returns null for it: no failing case here; the compiler warns, see test_diagnostics.)
RACY_CASES = [{"scores": [10, 50, 99]}, {"scores": []}]
