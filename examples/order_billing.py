"""The payment of an order, a workflow of its own: order_approval.py calls its entry, which runs
as a child execution (``states:startExecution.sync:2``) of order_approval's machine."""

from typing import TypedDict

import pysfn as PSF

CARD_LIMIT = 10_000


class PaymentDeclined(Exception):
    pass


class Receipt(TypedDict):  # the child's return type: floats stay floats across the child boundary
    order: str
    charged: float


def charge_card(order_id, amount):  # a callee: runs in this workflow's dispatcher Lambda
    if amount > CARD_LIMIT:
        raise PaymentDeclined(f"{order_id}: {amount} is over the card's limit")
    return round(amount * 1.02, 2)  # with a 2% fee


@PSF.main
def bill(order_id: str, amount: float) -> Receipt:
    charged = charge_card(order_id, amount)
    return {"order": order_id, "charged": charged}
