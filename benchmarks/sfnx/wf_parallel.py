"""tests/workflows/wf_parallel.py in sfnx's language."""
import json
from typing import TypedDict

from sfnx import aws, parallel, state_machine


class Input(TypedDict):
    x: int
    label: str


class ZeroDivisionError_(Exception):
    error = "ZeroDivisionError"


@state_machine
def fan(input: Input):
    x: int = input["x"]
    label: str = input.get("label", "sum")

    def squared():
        return aws.optimized.lambda_.invoke(FunctionName="square", Payload={"x": x})["Payload"]

    def halved():
        return {"half": aws.optimized.lambda_.invoke(FunctionName="halve", Payload={"x": x})["Payload"],
                "label": label}

    def constant():
        return [label, x]

    result = "outer"
    both = parallel(squared, halved, constant)
    three = parallel(squared, halved, constant)
    try:
        parallel(halved)
        text: str = aws.optimized.lambda_.invoke(FunctionName="describe",
                                                 Payload={"parts": [three[0], three[1]["half"]]})["Payload"]
    except ZeroDivisionError_ as err:
        text: str = json.loads(err["Cause"])["errorMessage"]
    return {"both": both, "sq": three[0], "half": three[1], "const": three[2], "text": text, "result": result}
