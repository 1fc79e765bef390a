"""str() of values whose type is known only at run time (compiler/guards.py).

A statement that changes a variable with such text (append, d[k] = ..., +=) is a Choice: when
every formatted value is a str, bool, None or int the text is built in the machine, otherwise
the statement runs in the dispatcher Lambda. Plain assignments, raises and returns are
extracted as before. The callee returns each kind of value, so both branches run, and the
awkward ones (2.0, -0.0, 1e16, 0.1 + 0.2, 1e-7, lists, dicts) must come out as CPython writes them.
"""
import pysfn as PSF


class Rejected(Exception):
    pass


def pick(values, i):
    return values[i] if 0 <= i < len(values) else values


def as_float(x):
    return float(x)


@PSF.main
def guarded(values, i=0, d=None, label="n"):
    v = pick(values, i)
    f = as_float(i)
    lines = []
    text = f"{label}={v}"                            # a plain assignment: extracted
    lines.append(f"{i}: {v} and {label}")            # append to a list: guarded
    seen = {}
    seen[label] = str(v) + "/" + str(f)              # f is a float: always Python's branch
    note = "v is "
    note += f"{v}!"                                  # x += f"..."
    if d is not None:
        lines.append(f"d[k] is {d['k']}")            # a value that can fail (KeyError) is tested first
        lines.append(f"{d.get('k')} {d.get('j', v)}")
    try:
        caught = f"{d['k']} caught"                  # a handler catches KeyError: always extracted
        lines.append(f"{d['k']} again")              # the same, in an append: not guarded either
    except (KeyError, TypeError) as e:
        caught = "no k: " + str(e)
    if label == "raise":
        raise Rejected(f"rejected {v} at {i}")       # the message of a raise
    return {"text": text, "lines": lines, "seen": seen, "note": note, "caught": caught}


CASES = [
    {"values": [1, "a", None, True, -5, "Straße", "👍", ""], "i": 0},
    {"values": [1, "a", None, True, -5, "Straße", "👍", ""], "i": 5},
    {"values": ["", 2**53 - 1, -(2**53) + 1, -0.0], "i": 1, "d": {"k": "x"}},
    {"values": [0.1 + 0.2, 1e-7, 1e16, 2.5], "i": 0, "d": {"k": 1e16}},
    {"values": [0.1 + 0.2, 1e-7, 1e16, 2.5], "i": 1, "d": {"j": 1}},
    {"values": [[1, 2], {"a": 1}, [], {}], "i": 0, "d": {"k": [1]}},
    {"values": [[1, 2], {"a": 1}, [], {}], "i": 3, "d": {"k": {"x": None}}},
    {"values": [None, False], "i": 9, "d": {"k": False}},
    {"values": ["x"], "i": 0, "label": "raise"},
    {"values": [2.5], "i": 0, "label": "raise"},
]
