"""tests/workflows/wf_calls.py in sfnx's language."""
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    name: str
    order: dict
    numbers: list[int]


@state_machine
def calls(input: Input):
    name: str = input["name"]
    numbers: list[int] = input.get("numbers", [1, 2, 3])
    aws.optimized.lambda_.invoke(FunctionName="record", Payload={"event": "start"})
    plain: str = aws.optimized.lambda_.invoke(FunctionName="greet", Payload={"name": name})["Payload"]
    loud: str = aws.optimized.lambda_.invoke(FunctionName="greet",
                                             Payload={"name": name, "punctuation": "?", "upper": True})["Payload"]
    described = aws.optimized.lambda_.invoke(FunctionName="describe", Payload={
        "item": input["order"]["item"], "count": numbers[0], "tags": ["a", name],
        "meta": {"n": numbers[-1], "flag": True}})["Payload"]
    literal = aws.optimized.lambda_.invoke(FunctionName="describe", Payload={
        "item": "widget", "count": 2.5, "tags": None, "meta": {"nested": [[1], []], "expr": "{% not an expression %}"}})["Payload"]
    aws.optimized.lambda_.invoke(FunctionName="record", Payload={"event": {"done": plain}})
    return {"plain": plain, "loud": loud, "described": described, "literal": literal}
