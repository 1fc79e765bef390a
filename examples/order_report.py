"""Example: price a batch of orders, with loops, accumulation, f-strings and try/finally.

``report(orders, currency="EUR")`` reserves the batch, prices each order with a callee,
skips the invalid ones (and remembers why), stops at the first order over the credit
limit, and always releases the reservation (``finally``), whatever happened.
"""

import pysfn as PSF

CREDIT_LIMIT = 1000
PRICES = {"apple": 2, "pear": 3, "melon": 7}


class InvalidOrder(Exception):
    pass


def reserve(n):
    return f"batch-{n}"


def price(order):
    item, quantity = order.get("item"), order.get("quantity", 1)
    if item not in PRICES:
        raise InvalidOrder(f"unknown item {item!r}")
    if not isinstance(quantity, int) or quantity <= 0:
        raise InvalidOrder(f"bad quantity {quantity!r}")
    return PRICES[item] * quantity


def release(reservation):
    return f"released {reservation}"


@PSF.main
def report(orders, currency="EUR"):
    reservation = reserve(len(orders))
    lines = []
    skipped = {}
    total = 0
    stopped = None
    try:
        for i, order in enumerate(orders, 1):
            try:
                amount = price(order)
            except InvalidOrder as e:
                skipped[str(i)] = str(e)
                continue
            if total + amount > CREDIT_LIMIT:
                stopped = f"order {i} would exceed the credit limit of {CREDIT_LIMIT} {currency}"
                break
            total += amount
            lines.append(f"{i}. {order['item']} x{order.get('quantity', 1)}: {amount} {currency}")
        else:
            lines.append(f"all {len(orders)} orders seen")
    finally:
        released = release(reservation)
    return {"lines": lines, "total": f"{total} {currency}", "skipped": skipped, "stopped": stopped,
            "released": released}
