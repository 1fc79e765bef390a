"""Extraction: library calls and other code without an exact JSONata form run in the Lambda."""
import json
import math
import re

import pysfn as PSF

UNITS = {"k": 100}


class TooBig(Exception):
    pass


def scale(v):
    if v > 100000:
        raise TooBig(f"{v} is too big")
    return v * 10


@PSF.main
def extraction(n=2, text="Hello World", items=[3, 1, 2]):
    root = math.sqrt(n)
    words = re.findall(r"\w+", text)
    encoded = json.dumps({"w": words}, sort_keys=True)
    if math.isclose(root, 1.0):
        kind = "one"
    elif len(text) > 3 and re.match(r"^H", text):
        kind = "starts with H"
    else:
        kind = "other"
    big = scale(math.ceil(root * UNITS["k"]) if n < 10 else n)
    attempts = []
    while math.pow(2, len(attempts)) < n:
        attempts.append(len(attempts))
    for w in sorted(set(words), key=str.lower):
        attempts.append(w)
    try:
        bad = math.sqrt(-n)
    except ValueError as e:
        bad = str(e)
    try:
        too = scale(math.factorial(n))
    except TooBig as e:
        too = str(e)
    print("extraction ran with", n)
    return {"root": root, "words": words, "encoded": encoded, "kind": kind, "big": big,
            "attempts": attempts, "bad": bad, "too": too, "upper": text.swapcase()}


CASES = [
    {},
    {"n": 1, "text": "x"},
    {"n": 9, "text": "Hi there, Hi"},
    {"n": 7, "text": ""},
    {"n": "nan"},
]
