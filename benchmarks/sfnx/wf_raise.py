"""tests/workflows/wf_raise.py in sfnx's language."""
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    amount: int
    mode: str


class OrderRejected(Exception):
    error = "OrderRejected"


class Dynamic(Exception):
    error = "Dynamic"


class Rejected(Exception):
    pass


class ValueError_(Exception):
    error = "ValueError"


class Inner(Exception):
    error = "Inner"


@state_machine
def raising(input: Input):
    amount: int = input["amount"]
    mode: str = input.get("mode", "plain")
    ok: bool = aws.optimized.lambda_.invoke(FunctionName="check", Payload={"amount": amount})["Payload"]
    if mode == "fail":
        raise OrderRejected("amount too high")
    if mode == "dynamic":
        reason = aws.optimized.lambda_.invoke(FunctionName="check", Payload={"amount": amount})["Payload"]
        raise Dynamic(mode)
    if mode == "class":
        raise Rejected("rejected by class")
    if mode == "builtin":
        raise ValueError_("")
    try:
        if not ok:
            raise Rejected("too much")
        if mode == "inner-fail":
            raise Inner("caught by Exception")
        result = "accepted"
    except Rejected as e:
        result = {"rejected": e["Cause"]}
    except Exception as e:
        result = {"failed": e["Cause"]}
    return result
