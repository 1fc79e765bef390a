"""Expressions the machine evaluates that fail inside a `try`: the `except` runs as in CPython.

A failed JSONata expression stops a state machine (a Pass or Choice has no Catch), so inside a
`try` whose handler catches what the expression raises (or whose `finally` calls a callee) the
compiler runs the expression in the dispatcher Lambda instead (compiler/fallible.py); outside
such a `try` the same expressions stay in the machine.
"""
import pysfn as PSF


def note(log, what):
    return log + [what]


@PSF.main
def caught(a, b, d, xs, i=0, key="k"):
    log = []
    try:
        total = a + b                      # TypeError for 1 + "x"
    except TypeError as e:
        total = "bad sum: " + str(e)
    try:
        value = d[key]                     # KeyError, or TypeError when d is a list
    except KeyError as e:
        value = "missing " + str(e)
    except TypeError:
        value = "not a dict"
    try:
        ratio = a / b                      # ZeroDivisionError, TypeError
    except ArithmeticError as e:
        ratio = "arithmetic: " + str(e)
    except Exception as e:
        ratio = "other: " + str(e)
    try:
        if xs[i] > 2:                      # IndexError, or TypeError ordering a str and an int
            big = True
        else:
            big = False
    except LookupError:
        big = "no item"
    except TypeError:
        big = "incomparable"
    try:
        doubled = [x * 2 for x in xs]      # TypeError iterating an int
    except TypeError:
        doubled = None
    try:
        try:
            first = xs[0] + 1
        finally:
            log = note(log, "finally ran")  # runs before the error reaches the outer handler
    except (TypeError, IndexError):
        first = None
    def left():
        return a + b                       # fails the Parallel with TypeError: caught outside
    def right():
        return [b]                         # (no callee: a failing branch makes a sibling's calls racy)
    try:
        pair = PSF.parallel(left, right)
    except TypeError:
        pair = "bad pair"
    outside = a == b                       # no try: stays in the machine
    return {"total": total, "value": value, "ratio": ratio, "big": big, "doubled": doubled,
            "first": first, "log": log, "pair": pair, "outside": outside}


CASES = [
    {"a": 6, "b": 3, "d": {"k": 1}, "xs": [1, 5]},
    {"a": 1.5, "b": 0, "d": [1, 2], "xs": ["s", 3]},
    {"a": 1e-7, "b": 0.1 + 0.2, "d": {"k": None}, "xs": 7, "i": 1},  # (a whole float in the input is an int)
    {"a": 2**53 + 1, "b": 1, "d": {"Straße": "👍"}, "key": "Straße", "xs": [3], "i": -1},
    {"a": "", "b": "", "d": {"k": ""}, "xs": [2.0, 1e16], "i": 5},
]
# 1 + "x" fails the Parallel's first branch while the second runs: equal results, the states
# the second enters first are timing-dependent
RACY_CASES = [{"a": 1, "b": "x", "d": {}, "xs": [], "key": "missing"}]
