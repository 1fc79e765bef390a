"""Property test of the number model (issue 12): random arithmetic over random ints and floats.

Each example is a workflow whose values cross every boundary the number model has: literals,
variables stored between states, a callee's argument and result (``same``), ``/`` ``//`` ``%``,
``round``, ``abs``, unary minus and conditional expressions mixing ints and floats. It returns
``str()``, an f-string and ``repr`` of the results, so an int/float confusion (``2`` for ``2.0``,
``0`` for ``-0.0``, ``10000000000000000`` for ``1e+16``) changes a string. The workflow runs natively
and compiled (pysfn's interpreter, the in-process dispatcher); results must agree type-strictly
(``differential.canonical``), or the machine must have refused loudly (a ``pysfn:`` message, e.g.
an int beyond 2**53).

CI runs a fixed sample; ``PYSFN_HYPOTHESIS_EXAMPLES=500 pytest tests/test_number_properties.py``
explores with fresh random inputs.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import comparable, run_native
from pysfn.compiler import compile_file
from pysfn.runner import LocalWorkflow

_EXPLORE = int(os.environ.get("PYSFN_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 40, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

AWKWARD = [0.0, -0.0, 2.0, 1e16, 1e-7, 0.1 + 0.2, 2.5, -1.5, 3.0, 1e15, 0.5]
numbers = (st.integers(-20, 20) | st.sampled_from([0, 1, -1, 7, 2 ** 52, 10 ** 15]) | st.sampled_from(AWKWARD)
           | st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 2)))
BINARY = ["+", "-", "*", "/", "//", "%"]
UNARY = ["-{}", "abs({})", "round({})", "round({}, 1)", "round({}, 2)", "({} + 0)", "({} * 1.0)"]


@st.composite
def arithmetic(draw, names, depth=3):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return draw(st.sampled_from(names))
        return repr(draw(numbers))
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        return f"({draw(arithmetic(names, depth - 1))} {draw(st.sampled_from(BINARY))} {draw(arithmetic(names, depth - 1))})"
    if kind <= 4:
        return draw(st.sampled_from(UNARY)).format(draw(arithmetic(names, depth - 1)))
    test = f"{draw(arithmetic(names, depth - 1))} {draw(st.sampled_from(['<', '==', '>=']))} {draw(st.sampled_from(names))}"
    return f"({draw(arithmetic(names, depth - 1))} if {test} else {draw(arithmetic(names, depth - 1))})"


@st.composite
def programs(draw):
    a, b = repr(draw(numbers)), repr(draw(numbers))
    first = draw(arithmetic(["a", "b"]))
    second = draw(arithmetic(["a", "b", "c", "d"]))
    total = draw(arithmetic(["a", "c"], depth=1))
    return f'''import pysfn as PSF


def same(x):
    return x


@PSF.main
def f():
    a = {a}
    b = same({b})
    c = {first}
    d = same(c)
    e = {second}
    total = 0
    for x in [a, b, d]:
        total += {total}
    flags = [c == d, e < c, bool(e), d in [a, b], "yes" if e else "no"]
    return {{"c": str(c), "d": f"{{d}}", "e": repr(e), "total": f"<{{total}}>", "values": [c, d, e],
            "flags": flags}}
'''


@SETTINGS
@given(source=programs())
def test_numbers_mean_what_python_means(tmp_path_factory, source):
    name = "numprop_" + hashlib.sha1(source.encode()).hexdigest()[:12]
    path = tmp_path_factory.mktemp(name) / f"{name}.py"
    path.write_text(source)
    sys.path.insert(0, str(path.parent))
    try:
        module = importlib.import_module(name)
        native = run_native(module, "f", {})
        workflow = LocalWorkflow.from_compiled(compile_file(path))
        result = workflow.run({})
    finally:
        sys.path.remove(str(path.parent))
        sys.modules.pop(name, None)
        sys.modules.pop(f"pysfn_extracted_{name}", None)
    from pysfn.runner import error_message
    if result.status == "SUCCEEDED":
        machine = {"status": result.status, "output": result.output}
    else:
        machine = {"status": result.status, "error": result.error, "cause": error_message(result.cause)}
    if machine["status"] == "FAILED" and "pysfn:" in (machine["cause"] or ""):
        return  # refused loudly (an int beyond 2**53 cannot be exact in JSON)
    assert comparable(machine) == comparable(native), source
