"""Python's number model: int and float apart through every expression, across the Lambda boundary
(both ways) and in comparisons, truthiness and the output, with the awkward values."""
import pysfn as PSF

VALUES = {"two": 2.0, "negzero": -0.0, "zero": 0.0, "big": 1e16, "tiny": 1e-7, "sum": 0.1 + 0.2,
          "int": 7, "huge": 1e300, "minus": -3.0, "bigint": 2 ** 53 + 1, "inf": float("inf"),
          "reserved": {"$float": 1}}


def make(name):
    """A callee result that plain JSON would turn into an int (2.0, -0.0, 1e16)."""
    return VALUES[name]


def kind(x):
    """What the callee received: a whole float passed as an argument must arrive as a float."""
    return f"{type(x).__name__}:{x!r}"


def same(x):
    return x


@PSF.main
def numbers(a: int, b: int, name: str, price: float = 1.25, flag: bool = True):
    r = a / b                              # always a float
    q = a // b
    got = make(name)                       # a float from a callee
    echoed = same(got)                     # and back through a callee
    bumped = got + 1                       # 1e16 + 1 is a float: no OverflowError
    negated = -got
    product = 0 * got
    mixed = 1 if flag else 1.0
    other = 1.0 if flag else 1
    half = got / 2
    small = abs(got) < 1e15               # // and % of floats beyond 2**53 fail loudly (future-work.md)
    whole = got // 1 if small else got
    rest = got % 2 if small and got == whole else 0.5
    truth = "yes" if got else "no"
    bag = [got]
    bag.append(half)
    counts = {"g": got}
    counts["g"] += 1
    match got:
        case 2:
            matched = "two"
        case 0:
            matched = "zero"
        case _:
            matched = "other"
    return {
        "r": f"{r}", "q": f"{q}", "r_kind": kind(r), "q_kind": kind(q),
        "got": f"{got}", "echoed": repr(echoed), "got_kind": kind(got), "echoed_kind": kind(echoed),
        "bumped": str(bumped), "negated": str(negated), "product": str(product),
        "mixed": f"{mixed} {other}", "half": str(half), "whole": str(whole), "rest": str(rest),
        "truth": truth, "eq2": got == 2, "lt3": got < 3, "in": got in [2, 7], "abs": str(abs(got)),
        "round": str(round(got)) if got < 1e15 else "big", "round2": f"{round(price * 3, 2)}",
        "round_int": str(round(a, 1)), "literal": f"{5.0} {-0.0} {2**53 + 1}", "values": [r, q, got],
        "bag": str(bag), "counts": f"{counts}", "matched": matched, "count": bag.count(2),
    }


CASES = [
    {"a": 6, "b": 3, "name": "two"},
    {"a": 7, "b": 2, "name": "negzero"},
    {"a": 0, "b": 5, "name": "zero", "flag": False},
    {"a": 0, "b": -5, "name": "big"},
    {"a": 1, "b": 3, "name": "tiny", "price": 2.0},
    {"a": -7, "b": 2, "name": "sum", "price": 0.1},
    {"a": 9007199254740991, "b": 1, "name": "int"},
    {"a": 10, "b": 4, "name": "huge", "price": 1e-7},
    {"a": 3, "b": 0, "name": "two"},
    {"a": 5, "b": 1, "name": "minus", "price": 2},
]

# A callee result the machine cannot hold exactly is refused where it enters (the dispatcher),
# never rounded: natively these succeed, compiled they fail loudly (test_numbers.py).
REFUSED_CASES = [{"a": 1, "b": 1, "name": "bigint"}, {"a": 1, "b": 1, "name": "inf"},
                 {"a": 1, "b": 1, "name": "reserved"}]
