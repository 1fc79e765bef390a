"""More of the language: {**a, **b}, dict(a, **b), dict(pairs), xs.remove(x), raise ... from err,
computed module constants."""
import pysfn as PSF

BASE = {"us": 5, "eu": 1}
TIMEOUT = 5 * 60
LIMITS = {"eu": 10, **BASE, "jp": TIMEOUT // 100}
NAMES = ["a", "b"] + ["c"] * 2
WHERE = f"limit {LIMITS['eu']}, {len(NAMES)} names"
HALF = TIMEOUT / 7 if TIMEOUT > 60 else -0.0


class Rejected(Exception):
    pass


def lookup(d, key):
    return d[key]


@PSF.main
def dicts(a, b, xs, x, pairs=None, key="k", limit=TIMEOUT // 2 + len(BASE)):
    merged = {**a, **b}
    mixed = {"first": 0, **a, "last": len(xs), **b}
    called = dict(a, **b)
    kw = dict(b, extra=True)
    copied = dict(a)
    from_pairs = dict(pairs) if pairs is not None else None
    xs = xs + []  # a list of its own: the case's list stays as it is for the next run
    xs.remove(x)
    try:
        value = lookup(a, key)
    except KeyError as err:
        if key == "boom":
            raise Rejected(f"no {key}") from err
        raise Rejected("missing") from None
    return {"merged": merged, "mixed": mixed, "called": called, "kw": kw, "copied": copied, "pairs": from_pairs,
            "xs": xs, "value": value, "constants": [TIMEOUT, LIMITS, NAMES, WHERE, HALF, limit]}


CASES = [
    {"a": {"k": 1, "z": 2}, "b": {"z": 3, "y": None}, "xs": [1, 2, 1], "x": 1, "pairs": [["p", 1], ["q", [2]]]},
    {"a": {"k": "Straße"}, "b": {}, "xs": [True, 1, 2.5], "x": 1},            # True == 1: the first goes
    {"a": {"k": 1e-7}, "b": {"k": -2.5}, "xs": [[], [1], {"a": 1}], "x": [1], "pairs": []},
    {"a": {"k": 1}, "b": {"k": 2}, "xs": [0.1 + 0.2, 2], "x": 2.0, "pairs": [["k", 1], ["k", 2]]},
    {"a": {}, "b": {}, "xs": [1], "x": 1, "key": "boom"},                    # raise ... from err
    {"a": {}, "b": {}, "xs": [1], "x": 1, "key": "other"},                   # raise ... from None
    {"a": {"k": 1}, "b": [1], "xs": [1], "x": 1},                            # {**[1]}: TypeError
    {"a": {"k": 1}, "b": {}, "xs": [1, 2], "x": 3},                          # not in list: ValueError
    {"a": {"k": 1}, "b": {}, "xs": [1], "x": 1, "pairs": [["a"]]},           # a pair of one: ValueError
    {"a": {"k": 1}, "b": {}, "xs": [1], "x": 1, "pairs": [1]},               # not a pair: TypeError
    {"a": {"k": 1}, "b": {"extra": 1}, "xs": [1], "x": 1},                   # dict(b, extra=...) twice
    {"a": "ab", "b": {}, "xs": [1], "x": 1},                                 # {**"ab"}: TypeError
]
