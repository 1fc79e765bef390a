"""The number model's JSONata in both engines: jsonata-js 2.0.6 (what AWS Step Functions implements,
run by node) and jsonata-python (pysfn.local and the oracle), against CPython.

Every binary operation over awkward ints and floats (0.0, -0.0, 2.0, 1e16, 1e-7, 0.1+0.2, values
near 2**53, bools), the unary ones, truthiness and the output decoder, with operands in the machine's
representation (``numbers.encode``), must give CPython's value and type (decoded), or CPython's error
class, or a loud ``pysfn:`` refusal. The JavaScript engine is the one AWS documents; where the two
engines disagree AWS wins, so both are checked here (``tests/jsonata_js_engine.py`` runs it; ``.ci/run``
installs it).
"""

from __future__ import annotations

import itertools
import json
import math
import jsonata

import jsonata_js_engine

from pysfn.compiler import ir, numbers
from pysfn.compiler.jsonata import truthy, wrap
from pysfn.compiler.jsonata_ops import OPS

VALUES = [0, 1, -3, 7, -9007199254740991, 4503599627370497, 9007199254740991, True, False,
          0.0, -0.0, 2.0, -2.0, 1e16, 1e15 + 3, 1e-7, 0.1 + 0.2, 2.5, -1.5]


def _cases():
    """(JSONata text over $a and $b, bindings, ("ok", CPython's value) | ("err", CPython's class))."""
    def enc(v):
        return numbers.encode(v)
    for op in ["+", "-", "*", "/", "//", "%"]:
        text = OPS[op](["$a", "$b"])
        for a, b in itertools.product(VALUES, VALUES):
            try:
                want = ("ok", eval(f"a {op} b"))  # noqa: S307 -- fixed operators over the values above
            except Exception as e:  # noqa: BLE001 -- CPython's error is the expectation
                want = ("err", type(e).__name__)
            yield text, {"a": enc(a), "b": enc(b)}, want
    unary = {"neg": lambda x: -x, "abs": abs, "round": round, "square": lambda x: x * x, "pos": lambda x: +x}
    for name, fn in unary.items():
        for a in VALUES:
            yield OPS[name](["$a"]), {"a": enc(a)}, ("ok", fn(a))
    for a in VALUES:
        yield truthy(ir.Var("a", None)), {"a": enc(a)}, ("ok", bool(a))
    nested = {"a": [2.0, -0.0, [1e16, {"b": 0.5}]], "c": {}, "d": [], "e": None, "f": "x", "g": [[2.0]]}
    yield numbers.output("$a"), {"a": enc(nested)}, ("ok", numbers.output_value(nested))


def _same(machine, want) -> bool:
    got = numbers.decode(machine)
    if isinstance(want, float):
        return type(got) is float and repr(got) == repr(want)
    return json.dumps(got) == json.dumps(want) and type(got) is type(want)


def _js(text: str, bindings: dict) -> dict:
    try:
        value = jsonata_js_engine.evaluate(text, bindings)
    except jsonata_js_engine.JSONataJSError as e:
        return {"err": e.message}
    return {"ok": value}


_PARSED: dict = {}


def _python(text: str, bindings: dict) -> dict:
    if text not in _PARSED:
        _PARSED[text] = jsonata.Jsonata(text)
    try:
        return {"ok": _PARSED[text].evaluate(None, bindings)}
    except Exception as e:  # noqa: BLE001 -- the engine's error message is the result
        return {"err": str(e)}


def test_number_operations_mean_what_cpython_means_in_both_engines():
    cases = list(_cases())
    texts = [(wrap(text)[3:-3], bindings) for text, bindings, _ in cases]  # with the helpers, as in a state
    wrong = []
    for (text, bindings), (_, _, (kind, want)) in zip(texts, cases):
        for engine, got in (("jsonata-js", _js(text, bindings)), ("jsonata-python", _python(text, bindings))):
            if kind == "ok" and isinstance(want, float) and not math.isfinite(want):
                ok = "err" in got  # CPython's inf: the machine refuses it (JSON has no inf)
            elif kind == "ok":
                # a loud pysfn refusal only for an int beyond 2**53, or // and % of a float (which the
                # front end extracts into Python: the machine never computes them)
                refusable = (type(want) is int and abs(want) > numbers.MAX_EXACT) \
                    or (("'//'" in text or "'%'" in text) and isinstance(want, float))
                ok = ("ok" in got and _same(got["ok"], want)) or (refusable and "pysfn:" in got.get("err", ""))
            else:
                ok = f"{want}:" in got.get("err", "")
            if not ok:
                wrong.append((engine, text[-60:], bindings, want, got))
    assert not wrong, wrong[:10]
