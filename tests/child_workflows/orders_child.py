"""A child workflow: charges an order; its parent is orders_parent.py (tests/test_children.py)."""

from typing import TypedDict

import pysfn as PSF


class ChargeDeclined(Exception):
    pass


class Receipt(TypedDict):
    order: str
    total: float
    items: list[float]
    note: str


def price(amount: float, quantity: int) -> float:
    return amount * quantity


@PSF.main
def charge(order: str, amount: float, quantity: int = 1, prices: list[float] = []) -> Receipt:
    if quantity <= 0:
        raise ChargeDeclined(f"order {order}: nothing to charge")
    if order == "":
        raise ValueError("an order needs a name")
    total = price(amount, quantity)
    if total > 1000:
        raise ChargeDeclined(f"order {order}: {total} is over the limit")
    return {"order": order, "total": total, "items": prices, "note": f"{order} ✓ {total}"}
