"""Child executions in a Map (a comprehension) and after hoisting (tests/test_children.py)."""

import pysfn as PSF
from orders_child import ChargeDeclined, charge


@PSF.main
def batch(orders: list[str], amount: float) -> dict:
    totals = [charge(o, amount, quantity=len(o))["total"] for o in orders if o != "skip"]
    try:
        first = charge(orders[0], amount)["note"] + "!"
    except ChargeDeclined as e:
        first = "declined: " + str(e)
    return {"totals": totals, "first": first}
