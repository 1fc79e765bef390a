"""Conditions: comparisons, in, is None, and/or/not, Python truthiness of JSON values."""
import pysfn as PSF


def yes(tag):
    return tag


@PSF.main
def conditions(x, y=None, items=[], text="", box=None):
    hits = []
    if x == 1:
        hits = yes("eq")
    if x != 1 and x >= 0:
        hits = yes("ne-ge")
    if 0 < x <= 5:
        hits = yes("chain")
    if x > 100 or x < -100:
        hits = yes("far")
    if y is None:
        none = yes("y-none")
    else:
        none = yes("y-set")
    if box is not None and "k" in box:
        key = yes("has-k")
    else:
        key = yes("no-k")
    if not items:
        empty = yes("empty")
    elif 3 in items:
        empty = yes("has-3")
    elif "s" not in text:
        empty = yes("no-s")
    else:
        empty = yes("other")
    if text:
        truthy = yes("text")
    elif y:
        truthy = yes("y-truthy")
    else:
        truthy = yes("falsy")
    return [hits, none, key, empty, truthy]


CASES = [
    {"x": 1},
    {"x": 3, "y": {"k": 1}, "items": [3], "text": "s", "box": {"k": 1}},
    {"x": 200, "y": {}, "items": [1], "text": ""},
    {"x": -1000, "y": [], "items": [0], "text": "abc"},
    {"x": 0, "y": 0.0, "items": [[]], "text": "sss"},
    {"x": 5, "y": "k", "items": [1, 2], "text": "s", "box": "kite"},
    {"x": 2.5, "y": [0], "items": [3.0], "box": ["k"]},
    {"x": 7, "y": {"a": {}}, "items": [{}], "box": {"a": "k"}},
    {"x": True, "y": False, "box": []},
]
