"""Every rejected construct gets FILE:LINE:COL: error: ..., the line, a caret and a hint."""

import subprocess
import sys
import textwrap

import pytest

from pysfn.compiler import CompileError, compile_source

HEADER = """\
import pysfn as PSF

class Oops(Exception):
    pass

def work(a, b=1, *, flag=False):
    return a

def other():
    return 1

"""
HEADER_LINES = HEADER.count("\n")


def body(code: str) -> str:
    """A workflow whose entry body is ``code`` (entry def is at line HEADER_LINES + 2)."""
    return HEADER + "@PSF.main\ndef flow(x, items=[]):\n" + textwrap.indent(textwrap.dedent(code), "    ")


# (source, line offset inside the body (1 = first body line), column, message start)
CASES = [
    ("global G", 1, 5, "'global G': Global statements are not supported"),
    ("with open(x) as f:\n    pass", 1, 5, "'with open(x) as f:': With statements are not supported"),
    ("y = unknown", 1, 9, "name 'unknown' is not defined in the workflow"),
    ("y = nothing(x)", 1, 9, "'nothing' is not a callee of this workflow"),
    ("y = work()", 1, 9, "work() is missing required arguments: a"),
    ("y = work(1, 2, 3)", 1, 9, "work() takes 2 positional arguments but 3 were given"),
    ("y = work(1, nope=2)", 1, 9, "work() got an unexpected keyword argument 'nope'"),
    ("y = work(1, a=2)", 1, 9, "work() got multiple values for argument 'a'"),
    ("y = work(*items)", 1, 14, "*args in a callee call is not supported"),
    ("y = PSF.map(other, items)", 1, 9, "other() takes 0 positional arguments but 1 were given"),
    ("y = PSF.map(work)", 1, 9, "PSF.map takes a callee and the items to call it with"),
    ("y = PSF.map(nothing, items)", 1, 17, "'nothing' is not a callee of this workflow"),
    ("y = PSF.map(work, items, max_concurrency=x)", 1, 46, "max_concurrency must be a constant integer"),
    ("y = PSF.map(work, items, mode='remote')", 1, 35, "mode is 'inline' or 'distributed'"),
    ("y = PSF.map(work, items, size=2)", 1, 35, "PSF.map got an unexpected keyword argument 'size'"),
    ("raise PSF.Fail(1, 'x')", 1, 20, "the error of PSF.Fail must be a string"),
    ("raise PSF.Fail('E', 2)", 1, 25, "the cause of PSF.Fail must be a string"),
    ("raise work(x)", 1, 11, "cannot raise 'work(x)': not a known exception class"),
    ("raise", 1, 5, "a bare 'raise' outside an 'except' block has no error to raise again"),
    # refused by CPython's own compiler (issue 16, item 5: the whole module is compiled first)
    ("break", 1, 5, "syntax error: 'break' outside loop"),
    ("if x:\n    continue", 2, 9, "syntax error: 'continue' not properly in loop"),
    ("for a, x.b in items:\n    pass", 1, 9, "'for (a, x.b) in ...': this loop target is not supported"),
    ("for k in items.items():\n    pass", 1, 9, "'for k in ...': this loop target is not supported"),
    ("y = []\nfor v in items:\n    v.append(1)\nreturn items", 2, 9, "'v' is an item of what the loop iterates, and it is "
     "changed in place at line"),
    ("y = items\ny.append(1)\nreturn items", 1, 9, "'y' is bound to 'items', and it is changed in place"),
    ("y = []\nz = {'k': y}\ny.append(1)\nreturn z", 2, 15, "'y' is stored here as it is, and it is changed in place"),
    ("a = b = []\na.append(1)\nreturn b", 1, 5, "'a' is bound to the same object as the other targets"),
    # one object at several places of one value: CPython shows a change at every place (issue 12 item 9)
    ("ys = [[]] * 3\nys[0].append(1)\nreturn ys", 1, 10, "'ys' holds one object at several places ('[[]] * 3'), "
     "and it is changed in place at line 15 through one of them"),
    ("grid = [[0] * 2] * 2\ngrid[0][0] = 1\nreturn grid", 1, 12, "'grid' holds one object at several places"),
    ("ys = [x, x]\nys[1]['k'] = 1\nreturn ys", 1, 10, "'ys' holds one object at several places ('[x, x]')"),
    ("ys = 2 * [{}]\nfor y in ys:\n    y['k'] = 1\nreturn ys", 2, 9, "'y' is an item of what the loop iterates"),
    ("ys = items + items\nys[0]['k'] = 1\nreturn ys", 1, 10, "'ys' holds one object at several places"),
    ("ys = []\nys.append(x)\nys.append(x)\nys[0].append(1)\nreturn ys", 3, 5,
     "'ys' holds 'x' at two places (stored at lines 15 and 16), and it is changed in place at line 17"),
    ("d = {}\nd['a'] = items\nd['b'] = items\nd['a'].append(1)\nreturn d", 3, 5, "'d' holds 'items' at two places"),
    ("a = b = []\nys = [a, b]\nys[1].append(1)\nreturn ys", 2, 10,
     "'ys' holds 'a' and 'b', one object, at two places (stored at line 15)"),
    ("ys = []\nfor v in items:\n    ys.append(x)\nys[0]['k'] = 1\nreturn ys", 3, 9,
     "'ys' holds 'x' once per iteration of the loop at line 15 (one object at several places), and it is changed"),
    ("ys = {}\nfor v in items:\n    ys[v] = {'cfg': x}\nys['a']['cfg']['k'] = 1\nreturn ys", 3, 9,
     "'ys' holds '{'cfg': x}' once per iteration of the loop at line 15"),
    ("ys = [x for v in items]\nys[0]['k'] = 1\nreturn ys", 1, 10,
     "'ys' holds one object at several places ('[x for v in items]')"),
    # a tuple is a list in the machine: printing or inspecting one would differ (tuples.py)
    ("t = (x, 1)\nreturn str(t)", 2, 16, "'t' may be a tuple, and str() of it differs in the state machine"),
    ("q = divmod(x, 3)\nreturn f'{q}'", 2, 15, "'q' may be a tuple, and an f-string of it differs"),
    ("kv = (x, 1)\nu = kv\nreturn repr(u)", 3, 17, "'u' may be a tuple, and repr() of it differs"),
    ("for t in zip(items, items):\n    y = type(t).__name__", 2, 18, "'t' may be a tuple, and type() of it"),
    ("t = (1, 2) if x else [1, 2]\nreturn isinstance(t, tuple)", 2, 23, "'t' may be a tuple, and isinstance()"),
    ("log = []\ntry:\n    log.append('a')\n    return {'log': log}\nfinally:\n    log.append('b')", 4, 24,
     "'log' is part of the value returned here, and it is changed in place at line"),
    ("log = []\ntry:\n    return log\nfinally:\n    log.append('b')", 3, 16,
     "'log' is part of the value returned here, and it is changed in place at line"),
    ("y = work(items)\ny.append(1)\nreturn items", 1, 9, "'y' is bound to 'work(items)', and it is changed"),
    ("ys = [v for v in items]\nys[0]['k'] = 1\nreturn items", 1, 10, "'ys' is bound to '[v for v in items]'"),
    ("c = list(items)\nc[0].append(1)\nreturn items", 1, 9, "'c' is bound to 'list(items)', and it is changed"),
    ("d = {}\nd['k'] = items\nd['k'].append(1)\nreturn items", 2, 5, "'d' holds 'items' (stored at line"),
    ("y = items\ny += [1]\nreturn items", 1, 9, "'y' is bound to 'items', and it is changed in place"),
    ("for v in items:\n    v['seen'] = True\nreturn items", 1, 9, "'v' is an item of what the loop iterates"),
    ("y = x\nfor i in items:\n    y.append(i)\n    z = x", 1, 9, "'y' is bound to 'x', and it is changed"),
    ("del x", 1, 9, "only items can be deleted"),
    ("def b():\n    items.append(1)\n    return 1\ny = PSF.parallel(b)", 2, 9,
     "a parallel branch cannot change 'items' of the enclosing function"),
    ("y = PSF.promise(work, x).then(other)", 1, 9, "a promise chain must end with .result()"),
    ("y = PSF.promise(work, x).then(len).result()", 1, 35, "'len' is not a callee of this workflow"),
    ("y = PSF.promise(work, x).catch(Nope, other).result()", 1, 36, "'Nope' is not an exception class"),
    ("match x:\n    case [a, b]:\n        pass", 2, 14, "'case [a, b]': only literal patterns are supported"),
    ("match x:\n    case y:\n        pass\n    case 1:\n        pass", 2, 14, "syntax error: name capture 'y' makes remaining patterns unreachable"),
    ("items[1:2] = []", 1, 5, "assignment to a slice is not supported"),
    ("x.attr = 1", 1, 5, "only a plain name can be assigned to here"),
    ("raise Oops('a', 'b')", 1, 11, "an exception raised by the workflow takes at most one argument"),
    ("try:\n    work(x)\nexcept PSF.Fail:\n    pass", 3, 12, "PSF.Fail cannot be caught by class"),
    ("try:\n    work(x)\nexcept Nope:\n    pass", 3, 12, "'Nope' is not a known exception class"),
    ("y = PSF.parallel(work)", 1, 22, "'work' is not a nested function defined above"),
    ("def b(z):\n    return z\ny = PSF.parallel(b)", 1, 5, "parallel branch 'b' must take no arguments"),
    ("def b():\n    return x\ny = b()", 3, 9, "'b' is a nested function: it can only run as a branch"),
    ("a, b = 1, 2, 3", 1, 5, "too many values to unpack (expected 2, got 3)"),
    ("y = {1: x}", 1, 10, "dict keys must be string literals"),
    ("y = x is items", 1, 9, "'is' is only supported as 'is None'"),
    ("try:\n    work(x)\nexcept Oops as e:\n    work(e)", 4, 14, "the exception 'e' can only be used as str(e)"),
    ("y = flow(x)", 1, 9, "a workflow cannot call itself"),
    ("y = work", 1, 9, "'work' is a function; functions are not values"),
    ("y = PSF.with_retry_spec(work, (x,), ([Oops], 0))", 1, 50, "interval must be an integer >= 1"),
    ("y = PSF.with_retry_spec(work, (x,), (['States.ALL'],), ([Oops],))", 1, 9,
     "a retry spec that catches everything must come last"),
    ("y = b'bytes'", 1, 9, "a bytes literal is not a JSON value"),
    ("return 1e400", 1, 12, "inf is not a JSON number"),
    ("y = PSF.with_retry_spec(work, (x,), ([], 1))", 1, 42, "a retry spec needs at least one error"),
    ("if PSF.StringMatches(x, x):\n    pass", 1, 29, "the pattern of PSF.StringMatches must be a string literal"),
    ("y = zip(x, items)", 1, 9, "'zip(x, items)' is an iterator, not a value a workflow variable can hold"),
    ("return reversed(items)", 1, 12, "'reversed(items)' is an iterator, not a value"),
    ("y = x if x else enumerate(items)", 1, 21, "'enumerate(items)' is an iterator, not a value"),
    ("y = work(items.values())", 1, 14, "'items.values()' is a dict view (dict_values), not a value"),
    ("y = {v for v in items}", 1, 9, "'{v for v in items}' is a set, not a value"),
    ("y = [range(3)]", 1, 10, "'range(3)' is a range, not a value"),
    ("y = (v for v in items)", 1, 9, "'(v for v in items)' is a generator, not a value"),
]


@pytest.mark.parametrize("code, line, col, message", CASES, ids=[c[3][:40] for c in CASES])
def test_rejected_construct_is_located(code, line, col, message):
    source = body(code)
    with pytest.raises(CompileError) as info:
        compile_source(source, "wf.py")
    (diag,) = info.value.diagnostics
    expected_line = HEADER_LINES + 2 + line
    assert (diag.loc.line, diag.loc.col) == (expected_line, col), info.value.render()
    assert diag.message.startswith(message), diag.message
    assert diag.hint
    rendered = info.value.render().splitlines()
    assert rendered[0] == f"wf.py:{expected_line}:{col}: error: {diag.message}"
    assert rendered[1].strip() == source.splitlines()[expected_line - 1].strip()
    assert rendered[2].index("^") - 4 == col - 1
    assert rendered[-1].startswith("hint: ")


MODULE_CASES = [
    ("import pysfn as PSF\n\ndef f():\n    return 1\n", "no entry function", 1, 1),
    ("import pysfn as PSF\n\n@PSF.main\ndef f():\n    return 1\n\n@PSF.main\ndef g():\n    return 2\n",
     "several functions are marked @PSF.main", 8, 1),
    ("", "is empty", 1, 1),
    ("def f(:\n", "syntax error", 1, 7),
    ("import pysfn as PSF\n\n@PSF.main\ndef f(*args):\n    return 1\n", "the entry's parameters", 4, 8),
    ("import pysfn as PSF\n\n@PSF.main\ndef f(a=len):\n    return 1\n", "a parameter default must be a literal", 4, 9),
    ("import pysfn as PSF\n\n@PSF.main\ndef f(a=b'x'):\n    return 1\n", "a parameter default must be a JSON value", 4, 9),
]


@pytest.mark.parametrize("source, message, line, col", MODULE_CASES, ids=[c[1] for c in MODULE_CASES])
def test_module_level_problems(source, message, line, col):
    with pytest.raises(CompileError) as info:
        compile_source(source, "wf.py")
    (diag,) = info.value.diagnostics
    assert message in diag.message
    assert (diag.loc.line, diag.loc.col) == (line, col)


def test_entry_option_names_a_missing_function():
    with pytest.raises(CompileError, match="no top-level function named 'nope'"):
        compile_source(HEADER + "@PSF.main\ndef flow():\n    return 1\n", "wf.py", entry="nope")


def test_a_failing_expression_inside_a_catching_try_runs_in_python():
    """A failed JSONata expression stops the machine: no Catch can take it. Where an `except`
    would catch what it raises, the expression is extracted (compiler/fallible.py)."""
    result = compile_source(body("try:\n    y = work(items[0])\nexcept IndexError:\n    y = 0\nreturn y"), "wf.py")
    assert result.warnings == []
    (extraction,) = result.extractions
    assert extraction.expression == "items[0]" and "enclosing 'except'" in extraction.reason
    # an except that cannot catch what it raises, and no try at all: it stays in the machine
    for code in ("try:\n    y = work(items[0])\nexcept Oops:\n    y = 0\nreturn y",
                 "y = work(items[0])\nreturn y",
                 "try:\n    y = work(x == 1)\nexcept Exception:\n    y = 0\nreturn y"):
        assert compile_source(body(code), "wf.py").extractions == [], code


@pytest.mark.parametrize("code", ["items.pop()", "del items[0]", "a, b = items", "for i in x:\n        pass"])
def test_a_failing_change_inside_a_catching_try_is_said_at_its_line(code):
    """The change itself is the machine's (it cannot be extracted): said at the line."""
    result = compile_source(body(f"try:\n    {code}\nexcept Exception:\n    pass\nreturn items"), "wf.py")
    (warning,) = [w for w in result.warnings if "default []" not in w.message]  # (items=[] changed)
    assert "the enclosing 'except' does not catch it there" in warning.message
    assert (warning.loc.line, warning.loc.col) == (HEADER_LINES + 4, 9)


def test_a_failing_expression_before_a_finally_is_said_at_its_line():
    code = "try:\n    y = x + 1\n    z = x + 2\nfinally:\n    work(0)\nreturn y"
    result = compile_source(body(code), "wf.py")
    (warning,) = result.warnings  # once per try
    assert "without running the 'finally' block of line" in warning.message
    assert (warning.loc.line, warning.loc.col) == (HEADER_LINES + 4, 13)
    # a finally that only sets variables: nothing observable is skipped
    quiet = "try:\n    y = x + 1\nfinally:\n    z = 2\nreturn y"
    assert compile_source(body(quiet), "wf.py").warnings == []


@pytest.mark.parametrize("code", ["break", "y = nothing(items)"])
def test_tool_reports_without_traceback(tmp_path, code):
    path = tmp_path / "wf.py"
    path.write_text(body(code))
    proc = subprocess.run([sys.executable, "-m", "pysfn.tools.compile", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{HEADER_LINES + 3}:") and ": error: " in first, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("hint: ")


@pytest.mark.parametrize("setup, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00\x01"), "is a binary file"),
    (lambda p: p.write_bytes(b"x = '\xe9'\n"), "is not UTF-8 text"),
])
def test_tool_rejects_unreadable_sources(tmp_path, setup, message):
    path = tmp_path / "wf.py"
    setup(path)
    proc = subprocess.run([sys.executable, "-m", "pysfn.tools.compile", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{path}:1:1: error: ") and message in proc.stderr


def test_loops_without_a_visible_bound_warn_about_the_history_limit():
    unbounded = compile_source(body("while x:\n    x = work(x)\nreturn x"), "wf.py")
    (warning,) = unbounded.warnings
    assert "no bound the compiler can see" in warning.message and "25,000" in warning.message
    assert warning.loc.line == HEADER_LINES + 3
    counted = compile_source(body("n = 0\nwhile n < 10:\n    work(n)\n    n += 1"), "wf.py")
    assert counted.warnings == []
    long_range = compile_source(body("for i in range(100000):\n    work(i)"), "wf.py")
    (warning,) = long_range.warnings
    assert "runs 100,000 times" in warning.message
    short_range = compile_source(body("for i in range(10):\n    work(i)"), "wf.py")
    assert short_range.warnings == []


@pytest.mark.parametrize("code, message", [
    ("yield x", "a workflow function cannot be a generator"),
    ("y = [(z := 1) for _ in items]", "would assign 'z' in code that runs in the dispatcher Lambda"),
    ("y = lambda v: v", "a lambda is not a value a workflow variable can hold"),
    ("y = sorted(items, key=lambda v: flow(v))", "a workflow cannot call itself"),
    ("nonlocal x", "syntax error: name 'x' is parameter and nonlocal"),  # CPython refuses it first
])
def test_what_cannot_work_even_in_lambda_is_rejected(code, message):
    with pytest.raises(CompileError) as info:
        compile_source(body(code), "wf.py")
    assert message in info.value.diagnostics[0].message
    assert info.value.diagnostics[0].hint


def test_values_growing_in_a_loop_warn_about_the_256_kib_limit():
    result = compile_source(body("out = []\nfor i in items:\n    out.append(work(i))\nreturn out"), "wf.py")
    (warning,) = [w for w in result.warnings if "grows" in w.message]
    assert "'out' grows on every iteration of the loop at line" in warning.message
    assert "S3" in warning.hint


def test_a_definition_over_1_mb_is_a_located_error():
    import ast
    from pysfn.compiler.diagnostics import Reporter
    from pysfn.compiler.limits import check_definition
    source = body("return x")
    fn = ast.parse(source).body[-1]
    with pytest.raises(CompileError, match="the compiled state machine is 1,000,0"):
        check_definition({"States": {"A": {"Comment": "x" * 1_000_000}}}, fn, Reporter("wf.py", source))


@pytest.mark.parametrize("decorators, line, message", [
    ("@PSF.retry(on=[Nope])", 3, "'Nope' is not an exception class or error name"),
    ("@PSF.retry(on=[ValueError], max_attempts=-1)", 3, "max_attempts must be an integer >= 0"),
    ("@PSF.retry(on=[ValueError], tries=2)", 3, "PSF.retry has no argument 'tries'"),
    ("@PSF.retry()\n@PSF.retry(on=[ValueError])", 3, "a retry on every error must be the last @PSF.retry"),
    ("@PSF.timeout('soon')", 3, "the timeout must be an integer >= 1"),
])
def test_callee_decorators_are_checked(decorators, line, message):
    source = f"import pysfn as PSF\n\n{decorators}\ndef work(x):\n    return x\n\n@PSF.main\ndef flow(x):\n" \
             "    return work(x)\n"
    with pytest.raises(CompileError) as info:
        compile_source(source, "wf.py")
    (diag,) = info.value.diagnostics
    assert message in diag.message and diag.loc.line >= line and diag.hint


def test_a_distributed_map_inside_try_warns_about_the_error_name():
    result = compile_source(body("try:\n    y = PSF.map(work, items, mode='distributed')\nexcept Oops:\n    y = []"),
                            "wf.py")
    (warning,) = result.warnings
    assert "States.ExceedToleratedFailureThreshold" in warning.message
    states = result.definition["States"]
    (m,) = [s for s in states.values() if s["Type"] == "Map"]
    assert m["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


@pytest.mark.parametrize("signature, code, col", [
    ("events, seen=[]", "for e in events:\n        seen.append(e)\n    return seen", 23),
    ("events, *, seen={}", "seen['n'] = len(events)\n    return seen", 26),
    ("events, seen=[]", "seen += events\n    return seen", 23),
])
def test_a_mutable_default_changed_in_place_warns(signature, code, col):
    source = f"import pysfn as PSF\n\n@PSF.main\ndef flow({signature}):\n    {code}\n"
    (warning,) = [w for w in compile_source(source, "wf.py").warnings if "default" in w.message]
    assert (warning.severity, warning.loc.line, warning.loc.col) == ("warning", 4, col)
    assert "of 'seen' is changed in place at line" in warning.message
    assert "persists into the next call of 'flow'" in warning.message
    assert "each execution of the state machine starts again from" in warning.message
    assert "seen is None" in warning.hint


def test_a_mutable_default_only_read_or_rebound_does_not_warn():
    source = ("import pysfn as PSF\n\n@PSF.main\ndef flow(events, seen=[]):\n    seen = seen + events\n"
              "    seen.append(1)\n    return seen\n")
    assert compile_source(source, "wf.py").warnings == []


CALLEE_CHANGES = """\
import pysfn as PSF

def add(xs, v):
    xs.append(v)
    return len(xs)

@PSF.main
def flow(items, other=None):
    {line}
    return {result}

def mark(row):
    row["seen"] = True
    return 1
"""
ADD = "'add' changes its parameter 'xs' in place (line 4)"
MARK = "'mark' changes its parameter 'row' in place (line 13)"


@pytest.mark.parametrize("line, result, refused", [
    ("n = add(items, 1)", "items", ADD),
    ("n = add(xs=items, v=1)", "[items, n]", ADD),
    ("n = [add(v, 1) for v in items]", "items", ADD),   # each item is changed natively
    ("n = PSF.map(mark, items)", "items", MARK),
    ("n = add(list(items), 1)", "items", None),   # a copy: the callee changes the copy natively too
    ("n = add(items, 1)", "n", None),             # `items` is not read again
    ("n = add([], 1)", "items", None),
    ("n = PSF.map(mark, items)", "n", None),
])
def test_a_callee_changing_its_argument_in_place(line, result, refused):
    source = CALLEE_CHANGES.format(line=line, result=result)
    if not refused:
        compile_source(source, "wf.py")
        return
    with pytest.raises(CompileError) as info:
        compile_source(source, "wf.py")
    (diag,) = info.value.diagnostics
    assert diag.loc.line == 9 and source.splitlines()[8][diag.loc.col - 1:].startswith("items")
    assert diag.message.startswith(refused + ": in Python that changes 'items' here too, in the state machine "
                                   "the callee works on a copy"), diag.message
    assert "list(items)" in diag.hint


@pytest.mark.parametrize("code", [
    "items2 = []\nfor v in x:\n    items2.append(v)\nout = {}\nout['items'] = items2\nout['n'] = 1\nreturn out",
    "c = dict(x)\nc['k'] = 1\nreturn [c, x]",
    "c = list(items)\nc.append(1)\nreturn [c, items]",
    "c = items[:]\nc.append(1)\nreturn [c, items]",
    "c = items.copy()\nc.append(1)\nreturn [c, items]",
    "y = items\nitems = []\nitems.append(1)\nreturn [y, items]",
    "out = []\nfor v in items:\n    row = {}\n    row['v'] = v\n    out.append(row)\nreturn out",
    "for v in items:\n    v = dict(v)\n    v['k'] = 1\nreturn items",
    "log = []\ntry:\n    return {'log': list(log)}\nfinally:\n    log.append('b')",
    "y = items\ny.append(1)",
    "ys = [0] * 3\nys[0] = 5\nys[1] += 1\nreturn ys",
    "ys = [[] for _ in range(3)]\nys[0].append(1)\nreturn ys",
    "ys = [[]] * 3\nys.append([1])\nreturn ys",
    "ys = [(1, 'a')] * 3\nys[0] = (2, 'b')\nreturn ys",
    "ys = []\nys.append(x)\nx = []\nys.append(x)\nys[0].append(1)\nreturn ys",
    "ys = []\nys.append(x)\nys.append(list(x))\nys[0].append(1)\nreturn ys",
    "a = []\nb = []\nys = [a, b]\nys[0].append(1)\nreturn ys",
    "ys = []\nfor v in items:\n    row = {}\n    row['v'] = v\n    ys.append(row)\nys[0]['k'] = 1\nreturn ys",
    "ys = []\nfor v in items:\n    ys.append({'v': v, 'cfg': x})\nys[0]['k'] = 1\nreturn ys",
    "ys = [{'v': v, 'cfg': x} for v in items]\nys[0]['k'] = 1\nreturn ys",
    "ys = [[v] for v in items]\nys[0].append(1)\nreturn ys",
    "ys = []\nfor v in items:\n    ys.append(x)\nreturn ys",
])
def test_sharing_that_cpython_and_the_machine_agree_on_is_accepted(code):
    compile_source(body(code), "wf.py")


def test_a_nested_change_through_a_shallow_copy_hints_at_deepcopy():
    with pytest.raises(CompileError) as info:
        compile_source(body("c = list(items)\nc[0].append(1)\nreturn items"), "wf.py")
    assert "copy.deepcopy" in info.value.diagnostics[0].hint
    compile_source("import copy\n" + body("c = copy.deepcopy(items)\nc[0].append(1)\nreturn [c, items]"), "wf.py")
