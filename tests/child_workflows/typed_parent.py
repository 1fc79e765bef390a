"""Whole floats passed to a child's int parameters: a TypeError in both modes (tests/test_children.py)."""

import pysfn as PSF
from typed_child import scale


@PSF.main
def main(label, x: float | None, k: int) -> str:
    try:
        return scale(label, k, m=x)
    except TypeError as e:
        return "TypeError: " + str(e)
