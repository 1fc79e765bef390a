"""The signature is the contract: inputs checked against parameters and annotations, both modes."""
from typing import Optional, TypedDict

import pysfn as PSF


class Address(TypedDict):
    city: str
    zip: Optional[str]


class Extras(TypedDict, total=False):
    note: str


@PSF.main
def inputs(name: str, count: int, ratio: float = 1.0, flag: bool = False, tags: list[str] = [],
           scores: dict[str, int] = {}, maybe: int | None = None, address: Address = None,
           extras: Extras = {}, anything=None):
    return {"name": name, "count": count, "ratio": ratio, "flag": flag, "tags": tags, "scores": scores,
            "maybe": maybe, "address": address, "extras": extras, "anything": anything}


CASES = [
    {"name": "a", "count": 1},
    {"name": "a", "count": 1, "ratio": 2, "flag": True, "tags": ["x"], "scores": {"k": 3}, "maybe": None,
     "address": {"city": "Oslo", "zip": None}, "extras": {"note": "n"}, "anything": [1, {"x": None}]},
    {"count": 1},
    {"name": "a"},
    {"name": "a", "count": 1, "colour": "red"},
    {"name": 1, "count": 1},
    {"name": "a", "count": 1.5},
    {"name": "a", "count": True},
    {"name": "a", "count": 1, "ratio": "x"},
    {"name": "a", "count": 1, "ratio": False},
    {"name": "a", "count": 1, "flag": 0},
    {"name": "a", "count": 1, "tags": ["x", 2]},
    {"name": "a", "count": 1, "tags": "x"},
    {"name": "a", "count": 1, "scores": {"k": "v"}},
    {"name": "a", "count": 1, "maybe": "v"},
    {"name": "a", "count": 1, "address": {"city": "Oslo"}},
    {"name": "a", "count": 1, "address": {"city": "Oslo", "zip": None, "street": "x"}},
    {"name": "a", "count": 1, "address": {"city": 5, "zip": "1"}},
    {"name": "a", "count": 1, "extras": {}},
    {"name": "a", "count": 1, "extras": {"note": 1}},
    {"name": None, "count": None, "zzz": 1},
]
