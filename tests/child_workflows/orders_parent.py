"""A parent workflow calling the child orders_child.charge (tests/test_children.py)."""

import pysfn as PSF
import orders_child
from orders_child import ChargeDeclined, charge


def label(text: str) -> str:
    return text.upper()


@PSF.main
def place(order: str, amount: float, quantity: int, prices: list[float]) -> dict:
    name = label(order)
    try:
        receipt = charge(name, amount, quantity=quantity, prices=prices)
    except ChargeDeclined as e:
        return {"declined": str(e), "total": 0.0}
    again = orders_child.charge(order=name + "-2", amount=2.0)
    return {"total": receipt["total"], "str": str(receipt["total"]), "items": receipt["items"],
            "note": receipt["note"], "again": again["total"], "again_str": str(again["total"])}
