"""Tests of the saga example, natively (and compiled under `pytest --pysfn-compiled`)."""

import itertools

import pytest

import pysfn as PSF
from order_saga import place_order

_IDS = itertools.count(1)


def order(**fields):
    return {"id": f"o{next(_IDS)}", "quantity": 2, "address": "1 Main St", **fields}


def test_the_happy_path():
    o = order()
    assert place_order(o) == {"order": o["id"], "parcel": f"parcel for res-{o['id']}", "paid": 10}


def test_a_busy_stock_service_is_retried():
    assert place_order(order(busy=2))["paid"] == 10


def test_a_stock_service_busy_for_too_long_fails_the_order():
    with pytest.raises(PSF.Fail) as info:
        place_order(order(busy=9))
    assert info.value.error == "OrderFailed" and info.value.cause == "try 4; undone: nothing"


def test_a_declined_card_is_a_value_of_the_promise_chain():
    with pytest.raises(PSF.Fail) as info:
        place_order(order(card="declined"))
    assert (info.value.error, info.value.cause) == ("CardDeclined", "insufficient funds")


def test_shipping_failure_undoes_payment_and_reservation_in_reverse_order():
    o = order(address=None)
    with pytest.raises(PSF.Fail) as info:
        place_order(o)
    assert info.value.cause == f"no address; undone: refunded ch-{o['id']}, released res-{o['id']}"


def test_out_of_stock_undoes_nothing():
    with pytest.raises(PSF.Fail) as info:
        place_order(order(quantity=11))
    assert info.value.cause == "only 10 left, 11 wanted; undone: nothing"
