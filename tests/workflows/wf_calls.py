"""Callee calls: assignment, side effect, arguments of every kind, callee defaults."""
import pysfn as PSF

LOG = []
GREETING = "hello"


def greet(name, punctuation="!", *, upper=False):
    text = f"{GREETING}, {name}{punctuation}"
    return text.upper() if upper else text


def record(event):
    LOG.append(event)  # a side effect the workflow does not read back


def describe(item, count, tags=None, meta=None):
    return {"item": item, "count": count, "tags": tags or [], "meta": meta}


@PSF.main
def calls(name, order, numbers=[1, 2, 3]):
    record("start")
    plain = greet(name)
    loud = greet(name, "?", upper=True)
    described = describe(order["item"], numbers[0], tags=["a", name], meta={"n": numbers[-1], "flag": True})
    literal = describe("widget", 2.5, None, {"nested": [[1], []], "expr": "{% not an expression %}"})
    record({"done": plain})
    return {"plain": plain, "loud": loud, "described": described, "literal": literal}


CASES = [
    {"name": "Ada", "order": {"item": "book"}},
    {"name": "Grace", "order": {"item": "pen", "extra": 1}, "numbers": [7]},
    {"name": "", "order": {"item": None}, "numbers": [0, -1]},
]
