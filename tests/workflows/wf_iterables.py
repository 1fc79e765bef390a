"""Everything a for header or a comprehension can iterate: zip, enumerate(start=), reversed,
sorted, dict views, range with a step, list()/tuple(), callee results, and fan-out over them."""
import pysfn as PSF


def tag(a, b="-"):
    return f"{a}:{b}"


def pairs_of(xs):
    return [[x, i] for i, x in enumerate(xs)]


@PSF.main
def iterables(xs, ys, d={}, text="", step=1):
    out = []
    for a, b in zip(xs, ys):
        out.append([a, b])
    for i, x in enumerate(xs, start=1):
        out.append([i, x])
    for i, x in enumerate(ys, 10):
        out.append([i, x])
    for x in reversed(xs):
        out.append(x)
    for c in reversed(text):
        out.append(c)
    for k in reversed(d):
        out.append(k)
    for x in sorted(ys, key=str):
        out.append(x)
    for v in d.values():
        out.append(v)
    for k in d.keys():
        out.append(k)
    for i in range(10, -3, -step if step else -1):
        out.append(i)
    for x in list(xs):
        out.append(x)
    for x in tuple(text):
        out.append(x)
    for a, b, c in zip(xs, ys, text):
        out.append(a == b or c)
    for i, (a, b) in enumerate(zip(xs, ys)):
        out.append([i, a, b])
    for x in map(str, xs):
        out.append(x)
    for x in filter(None, ys):
        out.append(x)
    for x, i in pairs_of(xs):
        out.append(i)
    comps = {
        "zip": [[a, b] for a, b in zip(xs, ys)],
        "enum": [[i, x] for i, x in enumerate(xs, start=1)],
        "rev": [x for x in reversed(ys)],
        "values": [v for v in d.values()],
        "sorted": [x for x in sorted(text)],
        "range": [i for i in range(0, 7, 3)],
        "dict": {k: [i, v] for i, (k, v) in enumerate(d.items())},
        "set_sorted": sorted(set(text)),
    }
    fan = {
        "zip": [tag(a, b) for a, b in zip(xs, ys)],
        "enum": [tag(i, x) for i, x in enumerate(xs, start=1)],
        "rev": [tag(x) for x in reversed(xs)],
        "values": [tag(v) for v in d.values()],
        "sorted": [tag(x) for x in sorted(text)],
        "step": [tag(i) for i in range(6, 0, -2)],
        "pairs": [tag(a, b) for a, b in [[1, 2], [text, d]]],
    }
    fan["map"] = PSF.map(tag, reversed(ys))
    return {"out": out, "comps": comps, "fan": fan}


CASES = [
    {"xs": [1, 2, 3], "ys": [3, 1, 2], "d": {"a": 1, "b": "Straße"}, "text": "ab", "step": 3},
    {"xs": [], "ys": [], "d": {}, "text": ""},
    {"xs": ["Straße", "👍", None], "ys": [None, 2**53 - 1, ""], "d": {"👍": None, "": [], "x": {"y": 0.5}},
     "text": "ß👍", "step": 5},
    {"xs": [0.1 + 0.2, 1e-7], "ys": ["z", "a", "b", "c"], "d": {"k": [1, [2]]}, "text": "zz"},
    {"xs": [1], "ys": [], "step": 0},
    {"xs": 5, "ys": []},                      # TypeError: 'int' object is not iterable
    {"xs": [], "ys": [], "d": [1, 2]},        # reversed of a list works; .values() of a list fails
    {"xs": [], "ys": [], "step": 2.5},        # range() of a float: TypeError
]
