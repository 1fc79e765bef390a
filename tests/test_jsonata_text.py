"""The compiler keeps to JSONata forms that are safe on AWS (issue 14 item 5, AWS-MEASURED.md).

* Text: AWS's strings are UTF-16 (``$substring`` and ``$split($s, '')`` see surrogate halves of a
  character above U+FFFF), like the reference implementation's; jsonata-python sees code points.
  The compiler's text helpers (``compiler/jsonata_text.py``) must give Python's answer on both.
* No ``$substring`` (except the one listed safe use), no ``$split(..., '')`` outside
  ``code_points`` except counted (``$count``: the UTF-16 length, to detect characters above U+FFFF), no ``$pad`` (it cuts with ``$substring``), no ``$sort`` (AWS's is stable and
  by UTF-16 units, jsonata-python's neither), no two-argument ``$round`` (decimal digits, not
  Python's binary value) in any compiled workflow.
* No variable named like a JSONata or Step Functions function (it would hide the function).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonata
import pytest

import jsonata_js_engine
from differential import EXAMPLES, WORKFLOWS, import_workflow, run_native
from pysfn.compiler import compile_file, compile_source
from pysfn.compiler import jsonata_text as jt
from pysfn.compiler.scope import JSONATA_FUNCTIONS

TEXTS = ["", "a", "ab", "👍", "a👍b👍", "\U0001F600\U0001F600x", "e\u0301", "\uffff\ue000\U00010000",
         "x\ud7ff", "Straße", "𝔘𝔫𝔦"]
AFFIXES = ["", "a", "👍", "b👍", "x", "😀😀", "ab"]


def both_engines(expression: str):
    python = jsonata.Jsonata(expression).evaluate(None)
    python = list(python) if isinstance(python, list) else python
    js = jsonata_js_engine.evaluate(expression)
    return python, (None if js is jsonata_js_engine.UNDEFINED else js)


def lit(value) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("text", TEXTS)
def test_code_points_and_char_at(text):
    assert both_engines(jt.code_points(lit(text))) == (list(text), list(text))
    for i in range(-len(text), len(text)):
        assert both_engines(jt.char_at(lit(text), str(i))) == (text[i], text[i])


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("affix", AFFIXES)
def test_starts_and_ends_with(text, affix):
    assert both_engines(jt.starts_with(lit(text), lit(affix))) == (text.startswith(affix),) * 2
    assert both_engines(jt.ends_with(lit(text), lit(affix))) == (text.endswith(affix),) * 2


ORDERED = ["", "a", "ab", "\ue000", "\uffff", "👍", "😀", "a👍", "a\uffff", "👍a", "\U00010000"]


@pytest.mark.parametrize("a", ORDERED)
def test_text_order_is_by_code_points(a):
    for b in ORDERED:
        for op in ("<", "<=", ">", ">="):
            assert both_engines(jt.text_order(lit(a), lit(b), op)) == (eval(f"a {op} b"),) * 2, (a, op, b)


@pytest.mark.parametrize("text", ["a", "👍", "a👍"])
def test_repeat(text):
    for n in (1, 2, 5):
        assert both_engines(jt.repeat(lit(text), str(n))) == (text * n,) * 2


# -- no unsafe forms in anything the compiler emits -------------------------------------------------

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


SOURCES = [p for p in sorted(WORKFLOWS.glob("wf_*.py")) + sorted(EXAMPLES.glob("*.py"))
           if "@PSF.main" in p.read_text(encoding="utf-8")
           and (p.parent == WORKFLOWS or (EXAMPLES / f"test_{p.name}").exists())]  # examples with tests
_SPLIT_AT_EMPTY = re.compile(r"\$split\(([^()]*?), ''\)")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_compiled_machines_use_only_safe_text_forms(path):
    text = "\n".join(_strings(compile_file(path).definition))
    for safe in jt.SAFE_SUBSTRINGS:
        text = text.replace(safe, "")
    assert "$substring(" not in text
    # $pad of a number's digits with an ASCII fill (the number model's formatting) is safe: ASCII only
    assert "$pad(" not in re.sub(r"\$pad\(\$string\(", "", text)
    assert "$sort(" not in text
    for match in _SPLIT_AT_EMPTY.finditer(text):  # only in code_points, or counted (UTF-16 length)
        before = text[max(0, match.start() - len("$pysfn__cpu := ")):match.start()]
        assert before == "$pysfn__cpu := " or before.endswith("$count("), \
            f"$split(..., '') outside code_points: {match.group(0)}"
    assert not re.search(r"\$round\([^()]*,", text), "two-argument $round: decimal digits, not Python's round"


def test_round_with_digits_is_pythons_binary_rounding(tmp_path):
    """round(2.675, 2) is 2.67 in CPython (the double is below 2.675); JSONata's $round gives 2.68."""
    source = ("import pysfn as PSF\n\n@PSF.main\ndef f(x: float, n: int = 2):\n"
              "    r = round(x, n)\n    return {'r': r}\n")  # (its str() is issue 12 item 2's)
    path = tmp_path / "wf_round_digits.py"
    path.write_text(source)
    compiled = compile_file(path)
    assert not re.search(r"\$round\([^()]*,", "\n".join(_strings(compiled.definition)))
    from pysfn.runner import LocalWorkflow
    workflow = LocalWorkflow.from_compiled(compiled)
    module = import_workflow(path)
    for x in (2.675, 0.125, 1.005, -2.5, 1e16):
        assert workflow.run({"x": x}).output == run_native(module, "f", {"x": x})["output"]


# -- variables never hide a function -----------------------------------------------------------------

def _reference_function_names() -> set[str]:
    source = (jsonata_js_engine.FOLDER / "node_modules" / "jsonata" / "jsonata.js").read_text()
    return set(re.findall(r"staticFrame\.bind\('([A-Za-z0-9]+)'", source))


def test_scope_reserves_every_function_of_jsonata_2_and_step_functions():
    reference = _reference_function_names()
    assert len(reference) > 60  # the pattern still finds the reference implementation's table
    per_evaluation = {"now", "millis"}  # bound per evaluation, not in the static frame
    step_functions = {"partition", "range", "hash", "random", "uuid", "parse"}
    assert reference | per_evaluation | step_functions <= JSONATA_FUNCTIONS


def test_locals_named_like_functions_are_renamed_and_work():
    names = ["count", "string", "sort", "range", "parse", "now", "partition", "uuid", "clone", "eval"]
    body = "".join(f"    {n} = x + {i}\n" for i, n in enumerate(names))
    source = ("import pysfn as PSF\n\n@PSF.main\ndef f(x: int):\n" + body +
              "    return [" + ", ".join(names) + ", len('ab')]\n")
    definition = compile_source(source, "wf.py").definition
    assigned = set()
    for state in definition["States"].values():
        assigned |= set(state.get("Assign", {}))
    assert not assigned & JSONATA_FUNCTIONS  # as ASL variables
    text = "\n".join(_strings(definition))   # or as block-local names inside an expression
    assert not {name for name in JSONATA_FUNCTIONS if re.search(r"\$" + name + r"\s*:=", text)}
    from pysfn.local import run_definition
    assert run_definition(definition, {"x": 1}, None).output == [1 + i for i in range(len(names))] + [2]
