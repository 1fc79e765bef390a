"""A PSF helper in an elif whose argument is extracted (issue 16, item 6): computed only when reached."""
import math

import pysfn as PSF


@PSF.main
def elif_helpers(v, n):
    if v == 1:
        return "first"
    elif PSF.NumericGreaterThan(v, math.floor(n)):
        return "greater"
    elif PSF.StringEquals(v, str(math.floor(n))):
        return "same text"
    elif PSF.NumericEquals(v, 0) or PSF.NumericLessThan(v, math.ceil(n)):
        return "small"
    return "other"


CASES = [
    {"v": 1, "n": "not a number"},  # the first test decides: math.floor is never called
    {"v": 5, "n": 2.5},
    {"v": 2, "n": 2.5},
    {"v": 0, "n": 0.0},
    {"v": -0.0, "n": 1e-7},
    {"v": 2.0, "n": 2.0},
    {"v": "2", "n": 2.0},
    {"v": "x", "n": 1e16},
    {"v": 2, "n": "x"},
]
