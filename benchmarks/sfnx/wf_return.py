"""tests/workflows/wf_return.py in sfnx's language."""
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    key: str
    how: str


class Data(TypedDict):
    key: str
    values: list
    nested: dict


@state_machine
def returning(input: Input):
    key: str = input["key"]
    how: str = input["how"]
    data: Data = aws.optimized.lambda_.invoke(FunctionName="fetch", Payload={"key": key})["Payload"]
    if how == "var":
        return data
    if how == "literal":
        return [1, "two", 3.0, None, False, {"k": []}]
    if how == "subscript":
        return data["values"][1]
    if how == "built":
        return {"k": key, "pair": [data["nested"]["deep"], data["values"][-1]], "const": {"x": 1}}
    if how == "bare":
        return None
    if how == "call":
        return aws.optimized.lambda_.invoke(FunctionName="fetch", Payload={"key": how})["Payload"]
    aws.optimized.lambda_.invoke(FunctionName="touch", Payload={"key": key})
    return None
