"""Entry parameters come from the execution input object; defaults fill absent keys."""
import pysfn as PSF


def combine(a, b, c, d):
    return [a, b, c, d]


@PSF.main
def params(a, b=10, c=None, d="x"):
    return combine(a, b, c, d)


CASES = [
    {"a": 1},
    {"a": 1, "b": 2, "c": [3], "d": {"k": "v"}},
    {"a": None, "c": 0},
    {},                       # missing required key -> TypeError
    {"a": 1, "e": 2},         # unknown key -> TypeError
]
