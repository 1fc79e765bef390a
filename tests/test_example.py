"""The example, compiled: its golden ASL, and every branch run in the oracle vs natively."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from differential import EXAMPLES, comparable, import_workflow, run_native
from pysfn.compiler import compile_file

SOURCE = EXAMPLES / "analyse_text.py"
GOLDEN = __import__("pathlib").Path(__file__).parent / "golden" / "analyse_text.asl.json"

BRANCH_INPUTS = [
    {"text": "a quick brown fox"},            # a: augment (with retry), parallel counts, format
    {"text": "Bees buzz", "style": "brief"},  # b: same path, the style passed through
    {"text": "  cats purr "},                 # c: short result
    {"text": "dogs bark"},                    # other: PSF.Fail UnsupportedText
    {"text": "   "},                          # get_summary raises -> PSF.Fail MalformedText
    {},                                       # missing text: TypeError
]


def test_golden_asl():
    definition = compile_file(SOURCE).definition
    text = json.dumps(definition, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("PYSFN_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), \
        "the example's ASL changed: review it, then PYSFN_UPDATE_GOLDEN=1 pytest tests/test_example.py"


def test_compile_tool_prints_the_golden_asl():
    proc = subprocess.run([sys.executable, "-m", "pysfn.tools.compile", str(SOURCE)],
                          capture_output=True, text=True, check=True)
    assert proc.stdout == GOLDEN.read_text(encoding="utf-8")


def test_compile_tool_puts_the_lambda_arn_in_every_task(tmp_path):
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:analyse"
    out = tmp_path / "machine.json"
    subprocess.run([sys.executable, "-m", "pysfn.tools.compile", str(SOURCE), arn, "-o", str(out)], check=True)
    text = out.read_text()
    assert "${DispatcherFunctionArn}" not in text
    assert text.count(arn) == GOLDEN.read_text().count("${DispatcherFunctionArn}") > 0


@pytest.fixture
def example(compiled_workflow):
    return compiled_workflow(SOURCE)


@pytest.mark.parametrize("inp", BRANCH_INPUTS, ids=lambda i: json.dumps(i)[:30])
def test_every_branch_compiled_equals_native(example, inp):
    module = import_workflow(SOURCE)
    assert comparable(example.run(inp)) == comparable(run_native(module, "summarise", inp))


ORDER_INPUTS = [
    {"orders": [{"item": "apple", "quantity": 3}, {"item": "melon"}]},
    {"orders": [{"item": "kiwi"}, {"item": "pear", "quantity": 0}, {"item": "pear", "quantity": 2}],
     "currency": "USD"},
    {"orders": [{"item": "melon", "quantity": 100}, {"item": "melon", "quantity": 100}, {"item": "apple"}]},
    {"orders": []},
    {"orders": "not a list"},
]


@pytest.mark.parametrize("inp", ORDER_INPUTS, ids=range(len(ORDER_INPUTS)))
def test_order_report_example_agrees(compiled_workflow, inp):
    """The loops/f-strings/try-finally example: natively and in the oracle, the same."""
    path = EXAMPLES / "order_report.py"
    native = run_native(import_workflow(path), "report", inp)
    assert comparable(compiled_workflow(path).run(inp)) == comparable(native)


@pytest.mark.parametrize("inp", [{"size": 3}, {"size": 0, "pause": 1}, {"size": 9, "max_checks": 2},
                                 {"size": -1}, {"size": "3"}], ids=range(5))
def test_poll_job_example_agrees(compiled_workflow, inp):
    """The polling example (waits, a bounded while loop): natively and in the oracle, the same."""
    path = EXAMPLES / "poll_job.py"
    native = run_native(import_workflow(path), "run_job", inp)
    assert comparable(compiled_workflow(path).run(inp)) == comparable(native)


@pytest.mark.parametrize("inp", [{"n": 4}, {"n": 0}, {"n": 12, "gentle": True}, {"n": -1}, {"n": 1.5}],
                         ids=range(5))
def test_sum_squares_example_agrees(compiled_workflow, inp):
    """The fan-out/fan-in example (a Map over a callee, then one call): natively and in the oracle."""
    path = EXAMPLES / "sum_squares.py"
    native = run_native(import_workflow(path), "sum_of_squares", inp)
    assert comparable(compiled_workflow(path).run(inp)) == comparable(native)


SAGA_ORDERS = [
    {"order": {"id": "a", "quantity": 2, "address": "x"}},
    {"order": {"id": "b", "quantity": 2, "address": "x", "busy": 2}},
    {"order": {"id": "c", "quantity": 2, "address": "x", "busy": 9}},
    {"order": {"id": "d", "quantity": 2, "address": "x", "card": "declined"}},
    {"order": {"id": "e", "quantity": 2, "address": None}},
    {"order": {"id": "f", "quantity": 11, "address": "x"}},
    {"order": "not a dict"},
]


@pytest.mark.parametrize("inp", SAGA_ORDERS, ids=range(len(SAGA_ORDERS)))
def test_order_saga_example_agrees(compiled_workflow, inp):
    """Retries, compensation and promise chains: natively and in the oracle, the same.

    The stock service's "busy" counter lives in the module: the oracle's Lambda worker is a
    process of its own, so it starts from zero like the native run."""
    path = EXAMPLES / "order_saga.py"
    module = import_workflow(path)
    module.BUSY.clear()
    native = run_native(module, "place_order", inp)
    assert comparable(compiled_workflow(path).run(inp)) == comparable(native)
