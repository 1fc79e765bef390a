"""examples/order_saga.py in sfnx's language (the promise chain is a try around both calls)."""
import json
from typing import TypedDict

from sfnx import aws, state_machine


class Order(TypedDict):
    id: str
    quantity: int


class Input(TypedDict):
    order: Order


class Payment(TypedDict):
    status: str
    reason: str
    charge: str
    amount: int


class StockServiceBusy(Exception):
    pass


class OutOfStock(Exception):
    pass


class PaymentDeclined(Exception):
    pass


class ShippingFailed(Exception):
    pass


class CardDeclined(Exception):
    error = "CardDeclined"


class OrderFailed(Exception):
    error = "OrderFailed"


@state_machine
def place_order(input: Input):
    order: Order = input["order"]
    undo: list[list[str]] = []
    try:
        reservation: str = aws.optimized.lambda_.invoke(
            FunctionName="reserve_stock", Payload={"order": order}, timeout=60,
            retry=[{"ErrorEquals": [StockServiceBusy], "MaxAttempts": 3, "IntervalSeconds": 2}])["Payload"]
        undo = undo + [["release", reservation]]
        try:
            charged = aws.optimized.lambda_.invoke(FunctionName="charge_card", Payload={"order": order})["Payload"]
            payment: Payment = aws.optimized.lambda_.invoke(FunctionName="confirm",
                                                            Payload={"payment": charged})["Payload"]
        except PaymentDeclined as err:
            payment: Payment = aws.optimized.lambda_.invoke(FunctionName="declined", Payload={"error": {
                "error": err["Error"], "cause": json.loads(err["Cause"])["errorMessage"]}})["Payload"]
        if payment["status"] == "declined":
            raise CardDeclined(payment["reason"])
        undo = undo + [["refund", payment["charge"]]]
        parcel: str = aws.optimized.lambda_.invoke(FunctionName="ship",
                                                   Payload={"order": order, "reservation": reservation})["Payload"]
        return {"order": order["id"], "parcel": parcel, "paid": payment["amount"]}
    except (OutOfStock, ShippingFailed, StockServiceBusy) as e:
        done: list[str] = []
        for step in reversed(undo):  # the compensations, last step first
            if step[0] == "refund":
                done = done + [aws.optimized.lambda_.invoke(FunctionName="refund",
                                                            Payload={"charge": step[1]})["Payload"]]
            else:
                done = done + [aws.optimized.lambda_.invoke(FunctionName="release_stock",
                                                            Payload={"reservation": step[1]})["Payload"]]
        message: str = json.loads(e["Cause"])["errorMessage"]
        raise OrderFailed(f"{message}; undone: {', '.join(done) if len(done) > 0 else 'nothing'}")
