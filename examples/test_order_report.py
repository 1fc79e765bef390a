"""Tests of the order example, natively (and compiled under `pytest --pysfn-compiled`)."""

import order_report
from order_report import report


def test_orders_are_priced_and_totalled():
    result = report([{"item": "apple", "quantity": 3}, {"item": "melon"}])
    assert result == {"lines": ["1. apple x3: 6 EUR", "2. melon x1: 7 EUR", "all 2 orders seen"],
                      "total": "13 EUR", "skipped": {}, "stopped": None, "released": "released batch-2"}


def test_invalid_orders_are_skipped_with_the_reason():
    result = report([{"item": "kiwi"}, {"item": "pear", "quantity": 0}, {"item": "pear", "quantity": 2}],
                    currency="USD")
    assert result["skipped"] == {"1": "unknown item 'kiwi'", "2": "bad quantity 0"}
    assert result["lines"] == ["3. pear x2: 6 USD", "all 3 orders seen"]
    assert result["total"] == "6 USD"


def test_the_credit_limit_stops_the_batch_and_the_reservation_is_released():
    result = report([{"item": "melon", "quantity": 100}, {"item": "melon", "quantity": 100},
                     {"item": "apple"}])
    assert result["stopped"] == "order 2 would exceed the credit limit of 1000 EUR"
    assert result["lines"] == ["1. melon x100: 700 EUR"]
    assert result["released"] == "released batch-3"


def test_no_orders():
    assert report([])["lines"] == ["all 0 orders seen"]


def test_release_runs_even_when_pricing_fails(monkeypatch):
    released = []

    def broken(order):
        raise RuntimeError("pricing service down")

    def release(reservation):
        released.append(reservation)
        return "released"
    monkeypatch.setattr(order_report, "price", broken)
    monkeypatch.setattr(order_report, "release", release)
    try:
        report([{"item": "apple"}])
    except RuntimeError as e:
        assert str(e) == "pricing service down"
    else:
        raise AssertionError("the error should propagate")
    assert released == ["batch-1"]
