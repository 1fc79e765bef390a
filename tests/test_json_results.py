"""Extracted code hands the machine JSON, or fails naming the line (compiler/json_results.py).

Each workflow runs compiled in pysfn's interpreter (the in-process handler) and in the oracle
(the real zip in a clean worker); natively the same code gives a value JSON cannot hold, so the
compiled run must fail loudly instead of differing silently."""

from __future__ import annotations

import textwrap

import pytest

import oracle
from differential import compile_and_package
from pysfn.runner import LocalWorkflow, error_message

SOURCE = """\
import collections
import itertools
import math
import pysfn as PSF

@PSF.main
def flow(xs, which):
    if which == "counter":
        y = collections.Counter(xs)
    elif which == "int_keys":
        y = dict(enumerate(xs))
    elif which == "nan":
        y = list([math.nan])  # (a literal [math.nan] sends only math.nan to the Lambda: extraction.narrowed)
    elif which == "iterator":
        y = itertools.islice(xs, 2)
    elif which == "chain":
        y = []
        for x in itertools.chain(xs, xs):
            y.append(x)
    else:
        y = [list(p) for p in itertools.pairwise(xs)]
    return y
"""

FAILURES = [
    ("counter", 9, "'collections.Counter(xs)' is a Counter (Counter)"),
    ("int_keys", 11, "'dict(enumerate(xs))' is a dict with the key 0 (a int; JSON keys are strings)"),
    ("nan", 13, "'list([math.nan])'[0] is the float nan"),
    ("iterator", 15, "'itertools.islice(xs, 2)' is an iterator (islice)"),
]


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    path = tmp_path_factory.mktemp("json") / "flow_json.py"
    path.write_text(SOURCE)
    local = LocalWorkflow.from_source(path)
    packaged = compile_and_package(path, path.parent)
    yield local, packaged
    packaged.worker.close()


def both(workflow, inp):
    local, packaged = workflow
    ours = local.run(inp)
    theirs = packaged.run(inp)
    return ours, theirs


@pytest.mark.parametrize("which, line, text", FAILURES, ids=[f[0] for f in FAILURES])
def test_a_value_that_is_not_json_fails_naming_the_line(workflow, which, line, text):
    ours, theirs = both(workflow, {"xs": ["a", "b", "a"], "which": which})
    for status, error, cause in [(ours.status, ours.error, error_message(ours.cause)),
                                 (theirs["status"], theirs["error"], theirs["cause"])]:
        assert (status, error) == ("FAILED", "PysfnNotJSONError")
        assert cause.startswith(f"flow_json.py:{line}: {text}"), cause
        assert "not a JSON value the state machine can hold" in cause


@pytest.mark.parametrize("which, expected", [("chain", ["a", "b", "a", "b"]), ("pairs", [["a", "b"]])])
def test_iterators_walked_by_a_for_or_a_comprehension_work(workflow, which, expected):
    ours, theirs = both(workflow, {"xs": ["a", "b"], "which": which})
    assert (ours.status, ours.output) == ("SUCCEEDED", expected)
    assert (theirs["status"], theirs["output"]) == ("SUCCEEDED", expected)
