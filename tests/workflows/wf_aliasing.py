"""Sharing that CPython and the machine agree on (issue 13 item 3: no false positives), and a
finally that changes something other than the returned value (issue 12 item 9)."""
import copy

import pysfn as PSF


def fresh(xs):
    return [x for x in xs]


def count(xs):
    return len(xs)


@PSF.main
def aliasing(xs, d={}, rows=[], seen=[]):
    items = []
    for x in xs:
        items.append(x)
    out = {}
    out["items"] = items          # shared, but neither is changed afterwards
    out["n"] = len(items)         # a change of `out` itself, not of the list it holds
    table = []
    for x in xs:
        row = {}                  # a new dict every iteration
        row["x"] = x
        table.append(row)
    copied = dict(d)
    copied["added"] = True
    listed = list(xs)
    listed.append("end")
    sliced = xs[:]
    sliced.append("slice")
    dup = xs.copy()
    dup.insert(0, "first")
    y = items
    items = []                    # `y` keeps the old list; `items` is a new one
    items.append("new")
    marked = []
    for r in rows:
        r = dict(r)               # a copy: changing it does not change `rows`
        r["seen"] = True
        marked.append(r)
    made = fresh(xs)              # the callee builds a new list
    made.append(count(made))
    for r in rows:
        r["k"] = 1                # rows' items change, but `rows` is not read again
    deep = copy.deepcopy(d)      # new items too: changing them changes nothing else
    for k in deep:
        deep[k] = [deep[k]]
    counts = [0] * len(xs)        # repeated ints: replacing one place changes only that place
    if counts:
        counts[0] = 5
        counts[-1] += 1
    grid = [[] for _ in xs]       # a new list per place
    if grid:
        grid[0].append("g")
    rows2 = [[]] * 2              # one list at two places, but only the outer list changes
    rows2.append(["own"])
    log = []
    other = []
    try:
        log.append("a")
        return {"out": out, "table": table, "copied": copied, "d": d, "listed": listed, "sliced": sliced,
                "dup": dup, "y": y, "items": items, "marked": marked, "made": made, "log": log, "xs": xs,
                "seen": seen, "deep": deep, "counts": counts, "grid": grid, "rows2": rows2}
    finally:
        other.append("b")         # not part of the returned value


CASES = [
    {"xs": [1, 2], "d": {"a": [1]}, "rows": [{"id": 1}, {"id": 2}], "seen": ["s"]},
    {"xs": [], "d": {}, "rows": [], "seen": []},
    {"xs": ["Straße", "👍", None, 0.5], "d": {"": None}, "rows": [{}], "seen": [[]]},
]
