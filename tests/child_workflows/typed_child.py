"""A child whose parameters are declared int (tests/test_children.py)."""

import pysfn as PSF


@PSF.main
def scale(label: str, n: int, m: int | None = None) -> str:
    return f"{label}:{n}:{m}"
