"""Promise chains: then in order, catch with and without a filter, a raising handler, .then after .catch."""
import pysfn as PSF


class Declined(Exception):
    pass


def charge(amount, fail=""):
    if fail == "declined":
        raise Declined(f"card declined for {amount}")
    if fail == "value":
        raise ValueError("bad amount")
    return {"charged": amount}


def receipt(payment):
    return f"receipt for {payment['charged']}"


def shout(text):
    if text == "receipt for 0":
        raise KeyError("zero")
    return text.upper()


def refund(error):
    return f"refund after {error['error']}: {error['cause']}"


def apologise(error):
    if error["error"] == "ValueError":
        raise RuntimeError("cannot apologise for a ValueError")
    return "sorry: " + error["error"]


def last_resort(error):
    return "last resort: " + error["error"]


@PSF.main
def chains(amount, fail=""):
    try:
        first = PSF.promise(charge, amount, fail=fail).then(receipt).then(shout).catch(Declined, refund).result()
    except Exception as e:  # the catch filter did not match
        first = "not caught by the filter: " + str(e)
    second = (PSF.promise(charge, amount, fail=fail).then(receipt).catch(apologise).then(shout)
              .catch(last_resort).result())
    try:
        third = PSF.promise(charge, amount, fail=fail).catch(KeyError, refund).result()
    except Exception as e:
        third = "uncaught: " + str(e)
    return {"first": first, "second": second, "third": third}


CASES = [
    {"amount": 5},
    {"amount": 5, "fail": "declined"},
    {"amount": 5, "fail": "value"},
    {"amount": 0},
]
