"""Realistic number code (issue 12): order totals with discounts, shares, `total = 0; total += price`,
rounding and formatting, a float parameter given an int, inputs the machine cannot hold exactly."""
import pysfn as PSF

PRICES = {"A": [19.99, 5.0, 0.01], "B": [2.0, 2.0], "C": [], "D": [1e16, 1.0], "E": [0.1, 0.2],
          "F": [1.25, 1.25, 1.25], "G": [3, 4]}


def fetch_prices(order_id):
    return PRICES.get(order_id, [])


def apply_discount(total, rate):
    """A callee computing with what it receives (a whole float must arrive as a float)."""
    return {"value": total * (1 - rate), "types": f"{type(total).__name__}/{type(rate).__name__}"}


@PSF.main
def orders(order_id: str, discount: float = 0.0, count: int = 0, items: list | None = None):
    prices = fetch_prices(order_id)
    total = 0
    for price in prices:
        total += price
    applied = apply_discount(total, discount)
    discounted = applied["value"]
    xs = items or []
    share = len(xs) / 4 if xs else 0
    average = total / len(prices) if prices else 0
    per_item = round(total / 3, 2) if prices else None
    label = "free" if discounted == 0 else f"{discounted:.2f}"
    summary = f"{len(prices)} items, total {total}, after discount {discounted}"
    if total > 100:
        band = "big"
    elif total:
        band = "small"
    else:
        band = "empty"
    return {"total": f"Total: {total}", "discounted": str(discounted), "share": f"{share}",
            "average": repr(average), "per_item": f"{per_item}", "rounded": f"{round(discounted, 2)}",
            "label": label, "summary": summary, "band": band, "types": applied["types"],
            "half_count": str(count / 2), "discount": f"{discount}", "raw": [total, discounted, share]}


CASES = [
    {"order_id": "A", "discount": 0.1},
    {"order_id": "B"},
    {"order_id": "C", "items": []},
    {"order_id": "D", "discount": 0.5, "items": [1, 2, 3, 4, 5, 6]},
    {"order_id": "E", "items": ["a"]},
    {"order_id": "F", "discount": 1, "count": 3},       # an int for a float parameter is a float
    {"order_id": "G", "discount": 2, "count": 4},       # ints summed stay ints; 4 / 2 is 2.0
    {"order_id": "B", "discount": 0.0, "count": -8},    # (-0.0 in the input is read as 0.0: future-work.md)
    {"order_id": "A", "count": 2 ** 53 + 1},            # refused in both modes: a double would round it
    {"order_id": "A", "items": [1, 9007199254740993]},  # nested too
    {"order_id": "A", "items": [{"$float": 1}]},        # the key the machine reserves for floats
    {"order_id": "B", "discount": 2 ** 53 + 1},         # a float parameter: read as the float 2**53
]
