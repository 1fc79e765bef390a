"""Nested TypedDicts and typed lists/dicts holding None: the input contract, both modes (issue 16)."""
from __future__ import annotations

from typing import Optional, TypedDict

import pysfn as PSF


class Order(TypedDict):  # uses Address before it is defined: annotations are resolved by name
    id: int
    address: Address
    lines: list[Line]


class Address(TypedDict):
    city: str
    geo: Optional[Geo]


class Geo(TypedDict):
    lat: float


class Line(TypedDict, total=False):
    sku: str


@PSF.main
def nested_inputs(order: Order, tags: list[str] = [], scores: dict[str, int] = {},
                  grid: list[list[int]] = [], maybe: list[Optional[str]] = []):
    return {"city": order["address"]["city"], "n": len(order["lines"]), "tags": tags, "scores": scores,
            "grid": grid, "maybe": maybe}


ORDER = {"id": 1, "address": {"city": "Straße", "geo": None}, "lines": [{"sku": "a"}, {}]}
CASES = [
    {"order": ORDER},
    {"order": {**ORDER, "address": {"city": "👍", "geo": {"lat": 0.1}}}},
    {"order": {**ORDER, "address": {"city": "x", "geo": {"lat": "n"}}}},
    {"order": {**ORDER, "address": {"city": None, "geo": None}}},
    {"order": {**ORDER, "address": {"city": "x"}}},
    {"order": {**ORDER, "lines": [{"sku": None}]}},
    {"order": {**ORDER, "lines": [None]}},
    {"order": {**ORDER, "lines": None}},
    {"order": ORDER, "tags": ["x", None]},
    {"order": ORDER, "tags": [None]},
    {"order": ORDER, "tags": [None, None]},
    {"order": ORDER, "tags": ["", "x"]},
    {"order": ORDER, "scores": {"k": None}},
    {"order": ORDER, "scores": {"k": 1, "j": None}},
    {"order": ORDER, "grid": [[1], [None]]},
    {"order": ORDER, "grid": [[1], None]},
    {"order": ORDER, "grid": [[], [2, 10**16]]},
    {"order": ORDER, "maybe": [None, "x", None]},
    {"order": ORDER, "maybe": [None, 0]},
]
