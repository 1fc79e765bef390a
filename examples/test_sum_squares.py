"""Tests of the fan-out example, natively (and compiled under `pytest --pysfn-compiled`)."""

import pytest

from sum_squares import NegativeInput, sum_of_squares


def test_squares_are_added_up():
    assert sum_of_squares(4) == {"n": 4, "squares": [1, 4, 9, 16], "total": 30}


def test_nothing_to_fan_out():
    assert sum_of_squares(0) == {"n": 0, "squares": [], "total": 0}


def test_a_concurrency_limit_gives_the_same_result():
    assert sum_of_squares(10, gentle=True)["total"] == 385


def test_negative_input_fails():
    with pytest.raises(NegativeInput):
        sum_of_squares(-1)
