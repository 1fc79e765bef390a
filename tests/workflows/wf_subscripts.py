"""Subscripts with Python's meaning: dict keys, list and string indexes, nesting, negatives."""
import pysfn as PSF


def pick(value):
    return value


@PSF.main
def subscripts(d, i=0, k="a"):
    a = pick(d[k])
    b = pick(d["xs"][i])
    c = d["s"][-1]
    nested = d["deep"]["list"][i]["name"]
    return {"a": a, "b": b, "c": c, "nested": nested, "first_of_list": d["xs"][0]}


CASES = [
    {"d": {"a": [[1]], "xs": [[5], 6], "s": "hey", "deep": {"list": [{"name": "n0"}, {"name": "n1"}]}}},
    {"d": {"b": {"x": None}, "xs": [1, 2], "s": "yo", "deep": {"list": [{"name": 0}, {"name": [1]}]}}, "i": 1, "k": "b"},
    {"d": {"a": 1, "xs": [1, 2], "s": "yo", "deep": {"list": [{"name": "first"}, {}]}}, "i": -2},
]
# Failing lookups: Python raises KeyError/IndexError/TypeError; the compiled machine stops
# with States.QueryEvaluationError whose cause names the Python error (future-work.md).
FAILING_CASES = [
    ({"d": {"xs": [1], "s": "x", "deep": {}}}, "KeyError"),
    ({"d": {"a": 1, "xs": [1], "s": "x", "deep": {}}, "i": 5}, "IndexError"),
    ({"d": {"a": 1, "xs": "not a list", "s": "x", "deep": {}}, "i": "0"}, "TypeError"),
]
