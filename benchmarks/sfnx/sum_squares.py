"""examples/sum_squares.py in sfnx's language: one Lambda per callee, a Map over the range."""
from typing import TypedDict

from sfnx import aws, inline_map, state_machine


class Input(TypedDict):
    n: int
    gentle: bool


class NegativeInput(Exception):
    pass


@state_machine
def sum_of_squares(input: Input):
    n: int = input["n"]
    if n < 0:
        raise NegativeInput(f"n must be >= 0, not {n}")

    def one(i: int):
        return aws.optimized.lambda_.invoke(FunctionName="square", Payload={"x": i})["Payload"]

    if input.get("gentle", False):  # at most 5 Lambda calls at a time
        squares = inline_map(one, list(range(1, n + 1)), max_concurrency=5)
    else:
        squares = inline_map(one, list(range(1, n + 1)))
    total = aws.optimized.lambda_.invoke(FunctionName="add_up", Payload={"values": squares})["Payload"]
    return {"n": n, "squares": squares, "total": total}
