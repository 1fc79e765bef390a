"""Tuples are lists in the machine (JSON has none): what agrees with CPython is accepted and runs
the same (unpacking, indexing, len, list(), a tuple printed inside the expression that makes it);
printing or inspecting a variable that may hold one is refused at the line (test_diagnostics)."""
import pysfn as PSF


def pair(x):
    return x, x + 1


@PSF.main
def tuples(n: int, xs: list, d: dict):
    a, b = pair(n)
    q, r = divmod(n, 3)
    p = pair(n)
    first = p[0]
    out = [f"{a}-{b}", str(q), str(r), str(first), len(p), str(list(p)), str((1, 2)), f"{(n, 'Straße')}",
           n in (1, 2, 7), p[-1]]
    for i, x in enumerate(xs):
        out.append(f"{i}{x}")
    for k, v in d.items():
        out.append(f"{k}={v}")
    for u, w in zip(xs, xs):
        out.append(str([u, w]))
    if isinstance(n, (int, float)):
        out.append("number")
    return out


CASES = [
    {"n": 7, "xs": [1, "👍"], "d": {"k": 2.5, "": None}},
    {"n": 0, "xs": [], "d": {}},
    {"n": -9007199254740991, "xs": [0.5, "Straße"], "d": {"x": []}},
]
