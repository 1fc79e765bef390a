"""Changes in place of locals: +=, d[k] = v, nested items, append/extend/insert/pop/update/del."""
import pysfn as PSF


def make():
    return {"items": [1, 2], "meta": {"n": 0}}


@PSF.main
def changes(key="k", index=0, value=[1], count=3, op="all"):
    total = 0
    total += count
    total -= 1
    total *= 2
    text = "x"
    text += "y"
    d = {}
    d[key] = value
    d["n"] = 1
    d["n"] += 10
    nested = make()
    nested["meta"]["n"] = value
    nested["items"][index] = "changed"
    nested["items"].append([9])
    xs = [1, 2, 3]
    xs.append(value)
    xs.extend([[4], 5])
    xs.extend("ab")
    xs.insert(index, "first")
    popped = xs.pop()
    popped_at = xs.pop(index)
    del xs[0]
    d.update({"u": True})
    removed = d.pop("u")
    missing = d.pop("nope", "default")
    got = d.setdefault("s", [])
    again = d.setdefault("n")
    del d[key]
    a, b = 1, [2]
    a, b = b, a
    pair = [0, 1]
    if op == "unpack":
        pair = value
    first, second = pair
    if op == "bad-index":
        xs[100] = 1
    if op == "bad-key":
        del d["absent"]
    if op == "pop-empty":
        empty = []
        empty.pop()
    if op == "append-to-dict":
        d.append(1)
    cleared = [1]
    cleared.clear()
    return {"total": total, "text": text, "d": d, "nested": nested, "xs": xs, "popped": popped,
            "popped_at": popped_at, "removed": removed, "missing": missing, "got": got, "again": again,
            "a": a, "b": b, "first": first, "second": second, "cleared": cleared}


CASES = [
    {},
    {"key": "other", "index": -1, "value": {"deep": [1]}, "count": 0},
    {"index": 1, "value": None},
    {"op": "unpack", "value": ["p", "q"]},
    {"op": "unpack", "value": [1, 2, 3]},
    {"op": "unpack", "value": 5},
    {"op": "bad-index"},
    {"op": "bad-key"},
    {"op": "pop-empty"},
    {"op": "append-to-dict"},
    {"index": 5},
    {"index": 1.5},
]
