"""Loops the compiler cannot turn into a valid machine are refused at their line, quickly (issue
16's mutation fuzzer found both): a loop that never ends, and one whose aliasing analysis explodes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pysfn.compiler import CompileError, compile_file, compile_source

HEAD = "import pysfn as PSF\nLIMITS = {'k': 1}\n\ndef f(x):\n    return x\n\n@PSF.main\ndef w(n=1):\n    xs = []\n"


@pytest.mark.parametrize("loop", [
    "    while True:\n        xs.append(f(n))\n",
    "    while LIMITS:\n        xs.append(n)\n",
    "    while 1:\n        for x in [1]:\n            break\n",  # that break leaves the inner loop only
])
def test_a_loop_that_never_ends_is_refused_at_its_line(loop):
    with pytest.raises(CompileError) as info:
        compile_source(HEAD + loop + "    return xs\n", "flow.py")
    message = str(info.value)
    assert "flow.py:10:5: error: this loop never ends: its test is always true and nothing in it leaves" in message
    assert "hint: give the loop a condition or a break" in message


@pytest.mark.parametrize("way_out", ["break", "return xs", "raise ValueError('x')"])
def test_a_way_out_anywhere_in_the_body_is_enough(way_out):
    source = HEAD + f"    while True:\n        xs.append(f(n))\n        if len(xs) > 3:\n            {way_out}\n" \
        "    return xs\n"
    assert compile_source(source, "flow.py").definition["StartAt"]


def test_an_exploding_aliasing_analysis_is_a_located_refusal_within_seconds():
    started = time.monotonic()
    with pytest.raises(CompileError) as info:
        compile_file(Path(__file__).parent / "fixtures" / "aliasing_blowup.py")
    assert time.monotonic() - started < 60
    assert "aliasing_blowup.py:44:5: error: this loop makes more than 5,000 pairs of names" in str(info.value)
