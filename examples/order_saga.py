"""Example: an order saga — retries, a compensation path and promise chains.

``place_order(order)`` reserves stock (retried while the stock service is busy), charges the
card in a promise chain (a declined card becomes a value, not an exception), ships, and if a
later step fails, undoes the earlier ones in reverse order (release the stock, refund the
charge) before failing with ``OrderFailed``.
"""

import pysfn as PSF

BUSY = {}


class StockServiceBusy(Exception):
    pass


class OutOfStock(Exception):
    pass


class PaymentDeclined(Exception):
    pass


class ShippingFailed(Exception):
    pass


@PSF.retry(on=[StockServiceBusy], max_attempts=3, interval=2)
@PSF.timeout(60)
def reserve_stock(order):
    tries = BUSY.get(order["id"], 0)
    if tries < order.get("busy", 0):  # the service is busy for the first `busy` calls
        BUSY[order["id"]] = tries + 1
        raise StockServiceBusy(f"try {tries + 1}")
    if order["quantity"] > 10:
        raise OutOfStock(f"only 10 left, {order['quantity']} wanted")
    return f"res-{order['id']}"


def charge_card(order):
    if order.get("card") == "declined":
        raise PaymentDeclined("insufficient funds")
    return {"charge": f"ch-{order['id']}", "amount": order["quantity"] * 5}


def confirm(payment):
    return {**payment, "status": "confirmed"}


def declined(error):
    return {"status": "declined", "reason": error["cause"]}


def ship(order, reservation):
    if order.get("address") is None:
        raise ShippingFailed("no address")
    return f"parcel for {reservation}"


def release_stock(reservation):
    return f"released {reservation}"


def refund(charge):
    return f"refunded {charge}"


@PSF.main
def place_order(order: dict):
    undo = []
    try:
        reservation = reserve_stock(order)
        undo.append(["release", reservation])
        payment = PSF.promise(charge_card, order).then(confirm).catch(PaymentDeclined, declined).result()
        if payment["status"] == "declined":
            raise PSF.Fail("CardDeclined", payment["reason"])
        undo.append(["refund", payment["charge"]])
        parcel = ship(order, reservation)
        return {"order": order["id"], "parcel": parcel, "paid": payment["amount"]}
    except (OutOfStock, ShippingFailed, StockServiceBusy) as e:
        done = []
        for _ in range(len(undo)):  # the compensations, last step first
            step = undo.pop()
            if step[0] == "refund":
                done.append(refund(step[1]))
            else:
                done.append(release_stock(step[1]))
        raise PSF.Fail("OrderFailed", f"{e}; undone: {', '.join(done) or 'nothing'}")
