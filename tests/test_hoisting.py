"""Callee calls inside expressions (compiler/hoisting.py): the order of the calls, the states built.

The differential workflows (``wf_hoisted_calls``, ``wf_hoisted_errors``) show equal results; here the
callees' own log shows that the compiled machine, in pysfn.local and in the oracle, calls them in
CPython's order and skips the ones CPython does not evaluate.
"""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path

import pytest

from pysfn.compiler.optimize.input_check import static_callee

import oracle
from pysfn.compiler import compile_file, compile_source
from pysfn.local import run_definition
from pysfn.packaging.inprocess import InProcessDispatcher

WORKFLOWS = Path(__file__).parent / "workflows"


def module_of(name):
    if str(WORKFLOWS) not in sys.path:
        sys.path.insert(0, str(WORKFLOWS))
    return importlib.import_module(name)


def dispatcher(compiled):
    """The handler the zip would hold, in-process: the callees log into the module we read."""
    return InProcessDispatcher(compiled.source_path, compiled.callees, compiled.extracted_source).invoke


def whole(value):
    """``value`` with integral floats as ints (2.0 == 2, but their reprs differ)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [whole(v) for v in value]
    if isinstance(value, dict):
        return {k: whole(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", range(len(module_of("wf_hoisted_calls").CASES)))
def test_calls_happen_in_cpythons_order(case):
    module = module_of("wf_hoisted_calls")
    compiled = compile_file(WORKFLOWS / "wf_hoisted_calls.py")
    definition, invoke = compiled.definition, dispatcher(compiled)
    inp = module.CASES[case]
    logs = []
    for run in ("native", "local", "oracle"):
        module.CALLS.clear()
        if run == "native":
            try:
                module.hoisted(**copy.deepcopy(inp))
            except ValueError:
                pass
        elif run == "local":
            run_definition(definition, copy.deepcopy(inp), invoke)
        else:
            oracle.execute(definition, copy.deepcopy(inp), invoke)
        logs.append(list(module.CALLS))
    assert logs[0], "the callees logged nothing"
    assert logs[1] == logs[0]  # pysfn.local runs Map iterations one after another
    # moto runs a Map's iterations concurrently, as AWS does: the same calls, and within one
    # item (lookup(i), then enrich(row of i)) CPython's order
    # (moto hands a callee -5.0 for the literal -5: compared as numbers, like ==)
    assert sorted(map(repr, map(whole, logs[2]))) == sorted(map(repr, map(whole, logs[0])))
    for i in [i for i in inp.get("ids", [1, 2]) if ["lookup", i] in logs[0]]:
        assert logs[2].index(["lookup", i]) < logs[2].index(["enrich", {"id": i}])


def test_the_branch_not_taken_is_not_called():
    module = module_of("wf_hoisted_calls")
    module.CALLS.clear()
    module.hoisted(amount=3)
    assert not any(c[0] == "boom" for c in module.CALLS)


def states_of(definition):
    for name, state in definition["States"].items():
        yield name, state
        for inner in state.get("Branches", []) + ([state["ItemProcessor"]] if "ItemProcessor" in state else []):
            yield from states_of(inner)


def tasks(definition):
    """The callees the Tasks call (the first Task's name is guarded by the input check)."""
    return [static_callee(s) for _, s in states_of(definition) if s["Type"] == "Task"]


HEAD = "import pysfn as PSF\n\ndef f(x):\n    return x\n\ndef g(x):\n    return x\n\n@PSF.main\ndef w(a, b=None):\n"


def test_a_nested_call_is_two_tasks_and_nothing_extracted():
    result = compile_source(HEAD + "    return f(g(a))\n", "wf.py")
    assert tasks(result.definition) == ["g", "f"]
    assert result.extractions == []


def test_an_extracted_expression_runs_its_callees_as_tasks_first():
    result = compile_source(HEAD + "    return sorted([f(a), g(b)])\n", "wf.py")
    assert tasks(result.definition)[:2] == ["f", "g"]
    (extraction,) = result.extractions
    assert "f(" not in extraction.expression and "g(" not in extraction.expression


def test_a_comprehension_calling_two_callees_is_one_map():
    result = compile_source(HEAD + "    return [f(g(x)) for x in a]\n", "wf.py")
    maps = [s for _, s in states_of(result.definition) if s["Type"] == "Map"]
    assert len(maps) == 1
    assert tasks(result.definition) == ["g", "f"]


def test_the_extracted_items_of_a_map_are_extracted_alone():
    """``[f(x) for x in sorted(a)]``: sorted() runs in the Lambda, each f(x) in a Task of the Map
    (extracting the whole comprehension would hide the calls of f in the Lambda)."""
    result = compile_source(HEAD + "    return [f(x) for x in sorted(a)], [g(f(x)) for x in sorted(a) if x]\n",
                            "wf.py")
    assert [e.expression for e in result.extractions] == ["sorted(a)", "sorted(a)"]
    assert sorted(tasks(result.definition)) == ["f", "f", "g", "pysfn_extracted_wf.L11_1", "pysfn_extracted_wf.L11_2"]


def test_hoisted_calls_get_the_enclosing_catch():
    result = compile_source(HEAD + "    try:\n        return [f(a), g(b)]\n    except KeyError:\n"
                            "        return None\n", "wf.py")
    catching = [s for _, s in states_of(result.definition) if s["Type"] == "Task"]
    assert len(catching) == 2
    # (a Catch of States.QueryEvaluationError may come first: the machine's own KeyErrors)
    assert all(any(c["ErrorEquals"] == ["KeyError"] for c in s["Catch"]) for s in catching)


# ---------------------------------------------------------------------------------------------
# Random expressions with callees everywhere: the same value and the same calls, in the same
# order, natively and compiled (pysfn.local, which runs Map iterations in order)

PROGRAM_HEAD = '''\
import pysfn as PSF

CALLS = []


def f(x):
    CALLS.append(["f", x])
    return x + 1


def g(x):
    CALLS.append(["g", x])
    return x * 2


def t(x):
    CALLS.append(["t", x])
    return x % 3 == 0


def h(s):
    CALLS.append(["h", s])
    return s + "!"


@PSF.main
def flow(a, b, s, xs):
'''


class Gen:
    def __init__(self, rnd):
        self.rnd = rnd

    def int_(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.2:
            return self.rnd.choice(["a", "b", "len(xs)", "3", "-2", "0"])
        if r < 0.45:
            return f"{self.rnd.choice('fg')}({self.int_(depth - 1)})"
        if r < 0.6:
            return f"({self.int_(depth - 1)} {self.rnd.choice(['+', '-', '*'])} {self.int_(depth - 1)})"
        if r < 0.72:
            return f"({self.int_(depth - 1)} if {self.bool_(depth - 1)} else {self.int_(depth - 1)})"
        if r < 0.8:
            return f"len({self.list_(depth - 1)})"
        if r < 0.85:
            return f"({self.bool_(depth - 1)} and {self.int_(depth - 1)} or {self.int_(depth - 1)})"
        if r < 0.9:
            test = self.rnd.choice(["t(x)", "x > 0", "f(x) > a"])
            return "len({h(s) + \"k\": x for x in xs if " + test + "})"
        return f'{{"k": {self.int_(depth - 1)}, "j": {self.int_(depth - 1)}}}["{self.rnd.choice("kj")}"]'

    def bool_(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.2:
            return self.rnd.choice(["a > b", "a == 0", "True", "len(xs) > 1"])
        if r < 0.4:
            return f"t({self.int_(depth - 1)})"
        if r < 0.55:
            return f"({self.bool_(depth - 1)} {self.rnd.choice(['and', 'or'])} {self.bool_(depth - 1)})"
        if r < 0.65:
            return f"not {self.bool_(depth - 1)}"
        if r < 0.85:
            return f"({self.int_(depth - 1)} < {self.int_(depth - 1)} <= {self.int_(depth - 1)})"
        return f"({self.int_(depth - 1)} {self.rnd.choice(['==', '!=', '<'])} {self.int_(depth - 1)})"

    def list_(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.25:
            return "xs"
        if r < 0.5:
            return f"[{self.int_(depth - 1)}, {self.int_(depth - 1)}]"
        if r < 0.7:
            return f"[{self.rnd.choice('fg')}(x) + {self.int_(depth - 2)} for x in xs]"
        if r < 0.85:
            return f"[x for x in xs if {self.rnd.choice(['t(x)', 'x > 0', 't(x + a)'])}]"
        return f"[{self.int_(depth - 1)} for x in xs if x != b]"

    def str_(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.3:
            return "s"
        if r < 0.6:
            return f"h({self.str_(depth - 1)})"
        inner = self.rnd.choice(["s", "h(s)", "h(h(s))"])  # no f-string inside an f-string (3.11)
        return f"f'<{{{inner}}}|{{len({self.list_(depth - 1)})}}>' + {self.str_(depth - 1)}"

    def program(self) -> str:
        lines = []
        for i in range(4):
            kind = self.rnd.choice(["int", "bool", "list", "str", "if", "while"])
            if kind == "if":
                lines += [f"if {self.bool_(2)}:", f"    v{i} = {self.int_(2)}",
                          f"elif {self.bool_(2)}:", f"    v{i} = {self.int_(1)}", "else:", f"    v{i} = None"]
            elif kind == "while":
                lines += [f"v{i} = 0", f"while v{i} < 3 and not t(v{i} + a):", f"    v{i} += 1"]
            else:
                lines.append(f"v{i} = {getattr(self, kind + '_')(3)}")
        lines.append("return [" + ", ".join(f"v{i}" for i in range(4)) + "]")
        return PROGRAM_HEAD + "".join(f"    {line}\n" for line in lines)


INPUTS = [{"a": 3, "b": 1, "s": "Straße", "xs": [3, -1, 0]}, {"a": 0, "b": 0, "s": "", "xs": []},
          {"a": -2, "b": 5, "s": "👍", "xs": [6]}]


@pytest.mark.parametrize("seed", range(int(__import__("os").environ.get("PYSFN_HOIST_SEEDS", "40"))))
def test_random_expressions_with_callees_keep_value_and_call_order(tmp_path, seed):
    import random
    source = Gen(random.Random(seed)).program()
    name = f"hoist_fuzz_{seed}"
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    sys.path.insert(0, str(tmp_path))
    try:
        compiled = compile_file(path)
        invoke = dispatcher(compiled)
        module = importlib.import_module(name)
        for inp in INPUTS:
            module.CALLS.clear()
            native = module.flow(**copy.deepcopy(inp))
            native_calls = list(module.CALLS)
            module.CALLS.clear()
            result = run_definition(compiled.definition, copy.deepcopy(inp), invoke)
            assert result.status == "SUCCEEDED", (source, inp, result.error, result.cause)
            assert result.output == native, (source, inp)
            assert module.CALLS == native_calls, (source, inp)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


@pytest.mark.parametrize("line", ["b = f\"{a:{f(1)}}\"", "if f\"{a:{f(1)}}\":\n        pass",
                                  "while f\"{a:{f(1)}}\":\n        pass", "f\"{a:{f(1)}}\"",
                                  "return g(f\"{a:{f(1)}}\")"])
def test_a_call_that_cannot_be_moved_out_is_an_error_not_extracted(line):
    """A callee in an f-string's format spec: never hidden in extracted code."""
    from pysfn.compiler import CompileError
    with pytest.raises(CompileError, match="this callee call cannot be moved out of its expression"):
        compile_source(HEAD + "    " + line + "\n", "wf.py")


def test_a_call_of_a_call_result_is_no_endless_rewrite():
    result = compile_source(HEAD + "    return f(a).upper(), f(1)(2)\n", "wf.py")
    assert tasks(result.definition)[:2] == ["f", "f"]
