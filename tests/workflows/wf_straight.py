"""Straight-line code: dependent chains of assignments (each folded only when no expression text
would repeat), int arithmetic on annotated parameters (no type switch), independent statements
folded into one state, and calls in between."""
import pysfn as PSF


def step(a):
    return a


@PSF.main
def straight(a: int, b: int, label: str = ""):
    v1 = a + 1
    v2 = v1 * 2
    v3 = v2 - b
    w = a + b
    x = step(v3)
    y = x["k"] if isinstance(x, dict) else x
    z = y
    t = z
    u = a * b - v3
    total = 0
    total += u
    total -= w
    return {"v": [v1, v2, v3], "w": w, "x": x, "y": y, "z": z, "t": t, "u": u, "total": total,
            "label": label + "!"}


CASES = [{"a": 0, "b": 0}, {"a": 1, "b": -1, "label": "Straße"}, {"a": -7, "b": 3, "label": "👍"},
         {"a": 2 ** 40, "b": 2 ** 12}, {"a": -(2 ** 26), "b": 2 ** 26 + 1, "label": ""}]
