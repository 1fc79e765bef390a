"""Loops that only compute, with Python's results.

continue/break in nested ifs, a loop's else, nested loops (a break of the inner one only), the
loop variable read after the loop (and after zero iterations), tuple targets, swaps, every kind
of iteration, floats through the number model, and errors raised inside a loop.
"""
import pysfn as PSF


@PSF.main
def pure_loops(xs, d={}, n=3, text="ab", pairs=[[1, 2], [3, 4]]):
    total = 0
    kept = []
    for x in xs:
        if x is None:
            continue
        elif x == "stop":
            break
        if x == "skip":
            continue
        total = total + x
        kept.append(x)
    else:
        kept.append("no break")
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b                  # both from the values before
    last = "before"
    for last in []:
        pass
    i = -1
    for i in range(n, 0, -2):
        pass
    grid = []
    for row in range(n):
        line = []
        for col in range(n):
            if col > row:
                break                    # the inner loop only
            line.append(row * col)
        grid.append(line)
    keys = []
    values = 0
    for k, v in d.items():
        keys.append(k)
        values = values + v
    for j, ch in enumerate(text, 1):
        keys.append(f"{j}{ch}")
    backwards = []
    for ch in reversed(text):
        backwards.append(ch)
    flat = []
    for p, q in pairs:
        flat.append(q)
        flat.append(p)
    halves = 0.0
    for x in [1, 2, 3]:
        halves += x / 2
    count = 0
    for _ in d:
        count += 1
    return {"total": total, "kept": kept, "fib": [a, b], "last": last, "i": i, "grid": grid,
            "keys": keys, "values": values, "backwards": backwards, "flat": flat,
            "halves": halves, "count": count}


CASES = [
    {"xs": [1, 2, 3]},
    {"xs": [1, None, "skip", 2, "stop", 5], "d": {"a": 1, "b": 2.5}},
    {"xs": [], "n": 0, "text": "", "pairs": []},
    {"xs": [0.5, -0.0, 2.0], "n": 6, "text": "Straße👍", "d": {"Straße": 1e16}},
    {"xs": [1, "x"]},                    # TypeError inside the loop: the same message
    {"xs": 7},                           # TypeError: 'int' object is not iterable
    {"xs": [1], "pairs": [[1, 2, 3]]},   # ValueError: too many values to unpack
]
