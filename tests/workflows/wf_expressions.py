"""Expressions with Python's meaning: arithmetic, int vs float, truthiness, and/or, f-strings, methods."""
import pysfn as PSF


def echo(v):
    return v


@PSF.main
def expressions(x=7, y=2, s=" Hello, World ", items=[3, 1, 2], d={"k": 1}, v=None):
    half = 2.0
    third = 1 / 3
    n = 10
    n += 5
    n -= x
    total = 0
    for i in range(4):
        total += i * i
    truthy = [bool(t) for t in [0, 0.0, "", [], {}, None, 1, "a", [0], {"a": 0}, False, True]]
    formatted = [str(half), str(third), f"{half}", str(n), f"{n}-{s.strip()}-{True}-{None}"]
    out = {
        "arith": [x + y, x - y, x * y, x / y, x // y, x % y, -x, x ** 2, 2 ** 2],
        "floor_negative": [-x // y, -x % y, x // -y, x % -y],
        "float_format": formatted,
        "n_total": [n, total],
        "strings": [s.strip(), s.lower(), s.upper(), s.split(), s.split(","), "-".join(["a", "b"]),
                    s.startswith(" H"), s.endswith("x"), s.replace("l", "L"), len(s), s * 2, s + "!"],
        "pick": [v or "default", x and y, items or None, "" or 0, [] and 1],
        "ifexp": "big" if x > 5 else "small",
        "truthy": truthy,
        "comprehension": [i * 2 for i in items if i > 1],
        "dict_comp": {k: len(k) for k in ["ab", "c"]},
        "get": [d.get("k"), d.get("z"), d.get("z", 0)],
        "lists": [items + [4], items * 2, len(items), len(d), abs(-x), round(2.5), round(3.5)],
        "membership": [1 in items, "k" in d, "ell" in s, True in [1]],
    }
    out["echo"] = echo(f"{x}+{y}={x + y}")
    return out


# `//` and `%` of floats that are not whole: computed in Python (extracted), exactly.
FLOAT_DIVMOD = {"x": 2.5, "y": 0.5}

CASES = [
    {},
    {"x": -3, "y": 4, "s": "", "items": [], "d": {}, "v": 0},
    {"y": 0},
    {"x": "a", "y": 3},
    {"x": [1], "y": [2]},
    {"x": True, "y": True},
]
