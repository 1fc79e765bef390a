"""Property test of the expression lowering: random expressions over random JSON values.

For each generated expression, either the compiler extracts it (it has no exact JSONata form:
fine, it then runs in Python), or the lowered JSONata — run by pysfn's interpreter, i.e.
evaluated with jsonata-python — and CPython agree: the same JSON value (True and 1 kept
apart), or both raise, the machine's error naming CPython's exception class.

Documented, loud differences are accepted: an integer beyond 2**53 fails with a ``pysfn:``
OverflowError instead of being rounded (and is refused in the input). Results are compared
type-strictly (``differential.canonical``) as the execution output shows them: JSON has one
number type, so a whole float is the JSON number ``2`` there (``tests/test_number_properties.py``
checks the int/float distinction itself, through ``str()``).
"""

from __future__ import annotations

import ast
import json
import math
import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from differential import canonical
from pysfn.compiler import compile_source
from pysfn.compiler.numbers import output_value
from pysfn.contract import number_problem
from pysfn.local import run_definition

_EXPLORE = int(os.environ.get("PYSFN_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 300, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

scalars = (st.none() | st.booleans() | st.integers(-20, 20) | st.integers(-2**60, 2**60)
           | st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3))
           | st.sampled_from([0.0, -0.5, 2.5, 1e-7, 0.1]) | st.text("ab ÄéZ\t,", max_size=5))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text("ab", max_size=2), inner, max_size=3), max_leaves=5)

LEAVES = ["a", "b", "c", "s", "0", "1", "-3", "2.5", "True", "None", "'x'", "''", "' a b '", "[1, 'x']",
          "{'a': 1}", "[]"]
BINARY = ["+", "-", "*", "/", "//", "%", "==", "!=", "<", ">=", "and", "or", "in", "not in"]
UNARY = ["-{}", "not {}", "len({})", "abs({})", "str({})", "bool({})", "round({})", "f\"<{{{}}}>\"",
         "{}.upper()", "{}.strip()", "{}.split()", "{}.split(',')", "','.join({})", "{}.startswith('a')",
         "{}.replace('a', 'b')", "{}.get('a', 0)", "{} ** 2", "[x for x in {} if x]", "{}[0]",
         "{} is None"]
TERNARY = ["{} if {} else {}"]


@st.composite
def expressions(draw, depth=3):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES))
    kind = draw(st.integers(0, 4))
    if kind <= 1:
        return f"({draw(expressions(depth - 1))} {draw(st.sampled_from(BINARY))} {draw(expressions(depth - 1))})"
    if kind <= 3:
        return "(" + draw(st.sampled_from(UNARY)).format("(" + draw(expressions(depth - 1)) + ")") + ")"
    return "(" + TERNARY[0].format(*(draw(expressions(depth - 1)) for _ in range(3))) + ")"


def _same(a, b) -> bool:
    """Equal as JSON values, bools apart from numbers, numbers by value (JSON has one number type)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _json(value) -> bool:
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return not any(isinstance(v, int) and abs(v) > 2**53 for v in _numbers(json.loads(text)))


def _numbers(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


@SETTINGS
@given(expr=expressions(), a=values, b=values, c=values, s=st.text("ab ,", max_size=4))
def test_lowered_expressions_mean_what_python_means(expr, a, b, c, s):
    source = f"import pysfn as PSF\n\n@PSF.main\ndef f(a, b, c, s):\n    return {expr}\n"
    try:
        ast.parse(source)
    except SyntaxError:  # f-strings nested in f-strings with the same quotes (Python < 3.12)
        assume(False)
    compiled = compile_source(source, "expr.py")
    if compiled.extractions:
        return  # the compiler chose to run it in Python
    inp = {"a": a, "b": b, "c": c, "s": s}
    if any(number_problem(v, False) for v in inp.values()):
        # An int beyond 2**53 in the input is refused by the machine's first state (issue 12),
        # where a double would round it; natively @PSF.main refuses it the same way.
        result = run_definition(compiled.definition, inp)
        assert (result.status, result.error) == ("FAILED", "TypeError"), (inp, result)
        assert "cannot hold exactly" in result.cause
        return
    try:
        native = eval(expr, {}, dict(inp))  # the generated expression, on the generated values
    except RecursionError:
        return
    except MemoryError:
        return
    except Exception as e:  # noqa: BLE001 -- CPython's error is the expectation
        native_error = type(e).__name__
    else:
        native_error = None
    result = run_definition(compiled.definition, inp)
    if native_error is not None:
        assert result.status == "FAILED", (expr, inp, native_error, result.output)
        assert f"{native_error}:" in (result.cause or ""), (expr, inp, native_error, result.cause)
        return
    if not _json(native) or (isinstance(native, float) and not math.isfinite(native)):
        return  # not a value a workflow can return (JSON)
    if result.status == "FAILED" and "pysfn:" in (result.cause or ""):
        return  # a documented, loud difference (e.g. an integer beyond 2**53)
    assert result.status == "SUCCEEDED", (expr, inp, native, result.error, result.cause)
    assert _same(result.output, json.loads(json.dumps(native))), (expr, inp, native, result.output)
    # type-strict as the execution output shows numbers (a whole float is the JSON number 2)
    assert canonical(output_value(result.output)) == canonical(output_value(native)), (expr, inp, native,
                                                                                      result.output)
