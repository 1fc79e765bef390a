"""The number model's boundaries (issue 12): the dispatcher's codec, refusals, the output, literals."""

from __future__ import annotations

import math

import pytest

from differential import WORKFLOWS, import_workflow, run_native
from pysfn.compiler import compile_source
from pysfn.compiler.diagnostics import CompileError
from pysfn.packaging.inprocess import InProcessDispatcher
from pysfn.runner import LocalWorkflow

NUMBERS = WORKFLOWS / "wf_numbers.py"


@pytest.mark.parametrize("case", range(3))
def test_a_callee_result_the_machine_cannot_hold_is_refused_loudly(compiled_workflow, case):
    module = import_workflow(NUMBERS)
    inp = module.REFUSED_CASES[case]
    workflow = compiled_workflow(NUMBERS)
    native = run_native(module, workflow.entry, inp)
    assert native["status"] == "SUCCEEDED" or native["error"] == "TypeError"  # a dict + 1 fails natively
    for machine in (workflow.run(inp), _local(NUMBERS).run(inp).__dict__):
        assert (machine["status"], machine["error"]) == ("FAILED", "PysfnNumberError")
        assert "pysfn: make returned" in str(machine["cause"])


def _local(path):
    return LocalWorkflow.from_source(path)


def test_the_dispatcher_decodes_arguments_and_encodes_results():
    callees = ["kind", "make", "same"]
    dispatcher = InProcessDispatcher(NUMBERS, callees)
    call = lambda name, *args: dispatcher.invoke("fn", {"callee": name, "args": list(args)})  # noqa: E731
    assert call("kind", {"$float": 2.0}) == {"ok": "float:2.0"}
    assert call("kind", {"$float": "-0"}) == {"ok": "float:-0.0"}
    assert call("kind", [{"$float": 1e16}, {"k": {"$float": 0}}]) == {"ok": "list:[1e+16, {'k': 0.0}]"}
    assert call("kind", 2) == {"ok": "int:2"}
    assert call("make", "two") == {"ok": {"$float": 2.0}}
    assert call("make", "negzero") == {"ok": {"$float": "-0"}}
    assert call("make", "big") == {"ok": {"$float": 1e16}}
    assert call("make", "tiny") == {"ok": 1e-7}
    assert call("make", "int") == {"ok": 7}
    assert call("same", [True, None, "2.0", 0.5]) == {"ok": [True, None, "2.0", 0.5]}
    refused = call("make", "bigint")
    assert refused["errorType"] == "PysfnNumberError" and "9007199254740993" in refused["errorMessage"]


def test_the_execution_output_is_plain_json(tmp_path):
    """Whole floats leave the machine as JSON numbers (Step Functions prints 2.0 as 2); inside it,
    and in what str() makes of them, they stay floats."""
    path = tmp_path / "wf_output_numbers.py"
    path.write_text("import pysfn as PSF\n\n\ndef same(x):\n    return x\n\n\n@PSF.main\ndef f(a: int):\n"
                    "    x = same(a / 2)\n    return {'x': x, 'lit': [2.0, -0.0, 0.5], 'y': -(a * 0.0), 's': str(x)}\n")
    workflow = LocalWorkflow.from_source(path)
    result = workflow.run({"a": 4})
    assert result.output == {"x": 2, "lit": [2, 0, 0.5], "y": 0, "s": "2.0"}
    assert [type(v) for v in result.output["lit"]] == [int, int, float]


def test_big_int_literals_and_the_reserved_key_are_refused_at_the_line():
    with pytest.raises(CompileError) as e:  # compiler/limits.py
        compile_source("import pysfn as PSF\n\n@PSF.main\ndef f(x: int):\n    return x % 9007199254740993\n", "wf.py")
    assert "beyond 2**53" in str(e.value)
    with pytest.raises(CompileError) as e:
        compile_source("import pysfn as PSF\n\n@PSF.main\ndef f():\n    return {'$float': 1}\n", "wf.py")
    assert "the key '$float' is reserved" in str(e.value)
    source = "import pysfn as PSF\n\n@PSF.main\ndef f():\n    y = 2 ** 53 + 1\n    return str(y % 7)\n"
    assert compile_source(source, "wf.py").extractions  # computed in Python, exactly


def test_native_contract_reads_a_json_number_for_a_float_parameter_as_a_float():
    import pysfn as PSF

    @PSF.main
    def f(x: float, xs: list[float], n: int | None = None):
        return type(x).__name__, [type(v).__name__ for v in xs]
    assert f(x=2, xs=[1, 2.5]) == ("float", ["float", "float"])
    with pytest.raises(TypeError, match="cannot hold exactly"):
        f(x=1.0, xs=[], n=2 ** 53 + 1)
    assert math.copysign(1, PSF.main(lambda x: x).__wrapped__(-0.0)) < 0


def test_static_types_follow_the_flow():
    """flow_types.py: str() of a local is lowered where its type at that read is known, though the
    local holds other types elsewhere; where two paths meet, the union decides (then extracted)."""
    source = ("import pysfn as PSF\n\n@PSF.main\ndef f(a, n: int):\n"
              "    x = 0\n    s = str(x)\n    x = 'a'\n    t = f'{x}'\n"            # lines 5-8: lowered
              "    if a:\n        y = 1\n    else:\n        y = 2.0\n    u = str(y)\n"  # line 13: extracted
              "    z = n\n    for i in range(3):\n        w = str(z)\n        z = z / 2\n"  # line 16: extracted
              "    return [s, t, u, w, str(i), str(n % 2)]\n")
    compiled = compile_source(source, "wf.py")
    assert sorted(e.loc.line for e in compiled.extractions) == [13, 16]


def test_parameters_declared_float_read_json_numbers_as_floats_in_both_modes(tmp_path):
    import importlib
    import sys

    from differential import comparable
    path = tmp_path / "wf_declared_floats.py"
    path.write_text("import pysfn as PSF\nfrom typing import TypedDict\n\n\nclass Row(TypedDict):\n"
                    "    n: int\n    x: float\n\n\n@PSF.main\n"
                    "def f(xs: list[float], d: dict[str, float], row: Row, o: float | None = None, k: int = 0):\n"
                    "    return f'{xs} {d} {row} {o} {k}'\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(path.stem)
        workflow = LocalWorkflow.from_source(path)
        for inp in [{"xs": [1, 2.5, 0], "d": {"a": 2}, "row": {"n": 3, "x": 4}, "o": 5},
                    {"xs": [], "d": {}, "row": {"n": 1, "x": -0.5}, "o": None, "k": 7},
                    {"xs": [1e16], "d": {"b": 2 ** 53 + 1}, "row": {"n": 2 ** 53 + 1, "x": 1}}]:
            result = workflow.run(inp)
            machine = ({"status": "SUCCEEDED", "output": result.output} if result.status == "SUCCEEDED"
                       else {"status": result.status, "error": result.error, "cause": result.cause})
            assert comparable(machine) == comparable(run_native(module, "f", inp)), inp
    finally:
        sys.path.remove(str(tmp_path))
