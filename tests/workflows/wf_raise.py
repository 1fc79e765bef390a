"""raise PSF.Fail / raise SomeError in the workflow, inside and outside try."""
import pysfn as PSF


class Rejected(Exception):
    pass


def check(amount):
    return amount <= 100


@PSF.main
def raising(amount, mode="plain"):
    ok = check(amount)
    if mode == "fail":
        raise PSF.Fail("OrderRejected", "amount too high")
    if mode == "dynamic":
        reason = check(amount)
        raise PSF.Fail("Dynamic", mode)
    if mode == "class":
        raise Rejected("rejected by class")
    if mode == "builtin":
        raise ValueError
    try:
        if not ok:
            raise Rejected("too much")
        if mode == "inner-fail":
            raise PSF.Fail("Inner", "caught by Exception")
        result = "accepted"
    except Rejected as e:
        result = {"rejected": str(e)}
    except Exception as e:
        result = {"failed": str(e)}
    return result


CASES = [
    {"amount": 5}, {"amount": 500}, {"amount": 5, "mode": "fail"}, {"amount": 5, "mode": "dynamic"},
    {"amount": 5, "mode": "class"}, {"amount": 5, "mode": "builtin"}, {"amount": 5, "mode": "inner-fail"},
]
