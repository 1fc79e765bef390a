"""for/while loops: lists, range, dict keys and items, enumerate, str; break, continue, else."""
import pysfn as PSF


def double(x):
    return x * 2


def inc(n):
    return n + 1


def words(text):
    return text.split()


@PSF.main
def loops(xs, n=3, d={}, text="a b", limit=4):
    out = []
    for x in xs:
        if x == "skip":
            continue
        if x == "stop":
            break
        y = double(x)
        out.append(y)
    else:
        out.append("no break")
    counted = []
    for i in range(n):
        counted.append(i)
    down = []
    for i in range(n, 0, -2):
        down.append(i)
    pairs = {}
    for k, v in d.items():
        pairs[k] = v
    keys = []
    for k in d:
        keys.append(k)
    numbered = []
    for i, k in enumerate(keys, 1):
        numbered.append([i, k])
    for w in words(text):
        keys.append(w)
    chars = []
    for c in text:
        if c != " ":
            chars.append(c)
    found = None
    for a, b in [[1, "one"], [2, "two"]]:
        if a == 2:
            found = b
    attempts = 0
    while attempts < limit:
        attempts += 1
        if attempts == 10:
            break
    else:
        counted.append("while done")
    last = None
    for last in []:
        pass
    squares = 0
    for i in range(n):
        squares += i * i
    return {"squares": squares, "out": out, "counted": counted, "down": down, "pairs": pairs, "keys": keys,
            "numbered": numbered, "chars": chars, "found": found, "attempts": attempts, "last": last}


CASES = [
    {"xs": [1, "skip", 2, "stop", 3], "d": {"a": [1], "b": {"c": 2}}},
    {"xs": [], "n": 0, "text": ""},
    {"xs": [5], "n": 5, "limit": 20, "d": {"only": None}, "text": "héllo wörld"},
    {"xs": ["stop"], "n": -1, "limit": 0},
    {"xs": 7},
    {"xs": {"k": 1}},
    {"xs": [], "n": 2.5},
    {"xs": [], "d": [1, 2]},
    {"xs": ["skip", None], "d": {"n": None}},
]
