"""tests/workflows/wf_loops.py in sfnx's language. sfnx has no loop `else` (a flag says whether
the loop broke), no `d[k] = v` with a computed key (the copy of ``d`` the loop builds is ``d``),
no `enumerate(..., 1)` (``i + 1``) and no iteration over a string (``list(text)``)."""
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    xs: list
    n: int
    d: dict
    text: str
    limit: int


@state_machine
def loops(input: Input):
    xs: list = input["xs"]
    n: int = input.get("n", 3)
    d: dict = input.get("d", {})
    text: str = input.get("text", "a b")
    limit: int = input.get("limit", 4)
    out: list = []
    broke = False
    for x in xs:
        if x == "skip":
            continue
        if x == "stop":
            broke = True
            break
        y = aws.optimized.lambda_.invoke(FunctionName="double", Payload={"x": x})["Payload"]
        out = out + [y]
    if not broke:
        out = out + ["no break"]
    counted: list = []
    for i in range(n):
        counted = counted + [i]
    down: list = []
    for i in range(n, 0, -2):
        down = down + [i]
    pairs = d
    keys: list[str] = []
    for k in d:
        keys = keys + [k]
    numbered: list = []
    for i, k in enumerate(keys):
        numbered = numbered + [[i + 1, k]]
    split: list[str] = aws.optimized.lambda_.invoke(FunctionName="words", Payload={"text": text})["Payload"]
    for w in split:
        keys = keys + [w]
    chars: list[str] = []
    for c in list(text):
        if c != " ":
            chars = chars + [c]
    found = None
    for pair in [[1, "one"], [2, "two"]]:
        if pair[0] == 2:
            found = pair[1]
    attempts = 0
    stopped = False
    while attempts < limit:
        attempts += 1
        if attempts == 10:
            stopped = True
            break
    if not stopped:
        counted = counted + ["while done"]
    last = None
    squares = 0
    for i in range(n):
        squares += i * i
    return {"squares": squares, "out": out, "counted": counted, "down": down, "pairs": pairs, "keys": keys,
            "numbered": numbered, "chars": chars, "found": found, "attempts": attempts, "last": last}
