"""examples/order_report.py in sfnx's language."""
import json
from typing import TypedDict

from sfnx import aws, jsonata, state_machine

CREDIT_LIMIT = 1000


class Order(TypedDict):
    item: str
    quantity: int


class Input(TypedDict):
    orders: list[Order]
    currency: str


class InvalidOrder(Exception):
    pass


@state_machine
def report(input: Input):
    orders: list[Order] = input["orders"]
    currency: str = input.get("currency", "EUR")
    reservation: str = aws.optimized.lambda_.invoke(FunctionName="reserve", Payload={"n": len(orders)})["Payload"]
    lines: list[str] = []
    skipped = {}
    total = 0
    stopped = None
    try:
        finished = True
        for i, order in enumerate(orders):
            try:
                amount: int = aws.optimized.lambda_.invoke(FunctionName="price", Payload={"order": order})["Payload"]
            except InvalidOrder as e:
                # a key computed at run time has no Python spelling in sfnx: written out in JSONata
                skipped = jsonata("$merge([$s, {$string($k): $m}])",
                                  s=skipped, k=i + 1, m=json.loads(e["Cause"])["errorMessage"])
                continue
            if total + amount > CREDIT_LIMIT:
                stopped = f"order {i + 1} would exceed the credit limit of {CREDIT_LIMIT} {currency}"
                finished = False
                break
            total += amount
            lines = lines + [f"{i + 1}. {order['item']} x{order.get('quantity', 1)}: {amount} {currency}"]
        if finished:
            lines = lines + [f"all {len(orders)} orders seen"]
    except Exception as failure:
        aws.optimized.lambda_.invoke(FunctionName="release", Payload={"reservation": reservation})
        raise
    released = aws.optimized.lambda_.invoke(FunctionName="release", Payload={"reservation": reservation})["Payload"]
    return {"lines": lines, "total": f"{total} {currency}", "skipped": skipped, "stopped": stopped,
            "released": released}
