"""tests/workflows/wf_if.py in sfnx's language."""
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    n: int
    flag: bool


@state_machine
def branches(input: Input):
    n: int = input["n"]
    flag: bool = input.get("flag", False)
    if n < 0:
        kind: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "negative"})["Payload"]
    elif n == 0:
        kind: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "zero"})["Payload"]
    elif n < 10:
        if flag:
            kind: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "small-flagged"})["Payload"]
        else:
            kind: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "small"})["Payload"]
    else:
        kind: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "large"})["Payload"]
    note = "none"
    if flag:
        note: str = aws.optimized.lambda_.invoke(FunctionName="label", Payload={"kind": "flag"})["Payload"]
    if n == 42:
        return "the answer"
    return {"kind": kind, "note": note}
