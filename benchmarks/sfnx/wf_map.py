"""tests/workflows/wf_map.py in sfnx's language."""
import json
from typing import TypedDict

from sfnx import aws, inline_map, state_machine


class Input(TypedDict):
    items: list[int]
    n: int
    offset: int


class ValueError_(Exception):
    error = "ValueError"


@state_machine
def fan(input: Input):
    items: list[int] = input["items"]
    n: int = input.get("n", 3)
    offset: int = input.get("offset", 0)

    def square(x: int):
        return aws.optimized.lambda_.invoke(FunctionName="square", Payload={"x": x})["Payload"]

    def checked(x: int):
        return aws.optimized.lambda_.invoke(FunctionName="checked", Payload={"x": x})["Payload"]

    squares = inline_map(square, items, max_concurrency=2)
    ranged = inline_map(square, list(range(n)))
    positives = inline_map(checked, [v for v in items if v > offset])
    empty = inline_map(square, list(range(0)))
    try:
        every = inline_map(checked, items)
        status = "ok"
    except ValueError_ as err:
        every = []
        status: str = json.loads(err["Cause"])["errorMessage"]
    added = aws.optimized.lambda_.invoke(FunctionName="total", Payload={"values": squares})["Payload"]
    return {"squares": squares, "ranged": ranged, "positives": positives, "empty": empty,
            "every": every, "status": status, "sum": added}
