"""Hostile input, second round (issue 16): one row per defect, each a clean first line and exit status.

A sibling of ``test_bad_inputs.py``: the command, the files it finds, the exit status and the exact
first line it prints (on stderr unless the row says stdout). The rows of item 13 run as real
processes and assert the time and memory the run may take. Item 15 runs against moto's IAM.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from pysfn.cli import cli

H = "import pysfn as PSF\n\n"
ENTRY = "@PSF.main\ndef f(x):\n"


def _elif(arms: int, tail: str = "") -> str:
    return (H + ENTRY + "    if x == 0:\n        return 0\n"
            + "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, arms)) + tail)


def _machine(states: dict, start: str = "A") -> str:
    return json.dumps({"QueryLanguage": "JSONata", "StartAt": start, "States": states})


def _pass(output: str) -> str:
    return _machine({"A": {"Type": "Pass", "Output": output, "End": True}})


TYPED = "from typing import TypedDict\n" + H
FILES = {
    # item 1: nested and recursive TypedDicts
    "h16_nested.py": TYPED + "class Address(TypedDict):\n    city: str\n\nclass Order(TypedDict):\n    address: Address\n\n"
                 "@PSF.main\ndef f(o: Order):\n    return o['address']['city']\n",
    "h16_recursive.py": TYPED + "class Node(TypedDict):\n    child: 'Node'\n\n@PSF.main\ndef f(o: Node):\n    return 1\n",
    # item 2
    "h16_tags.py": H + "@PSF.main\ndef f(tags: list[str]):\n    return tags\n",
    # item 3: CPython's own parser/compiler limits
    "h16_deep_unary.py": H + ENTRY + "    return " + "-" * 3500 + "x\n",
    "h16_deep_binop.py": H + ENTRY + "    return x" + " + x" * 3500 + "\n",
    "h16_elif3000.py": _elif(3000),
    "h16_attrs.py": H + ENTRY + "    return x" + ".a" * 3500 + "\n",
    # item 4: numbers JSON cannot hold
    "h16_inf.py": H + ENTRY + "    return {'a': -1e999}\n",
    "h16_infcmp.py": H + ENTRY + "    if x < -1e999:\n        return 1\n    return 2\n",
    "h16_bigint.py": H + ENTRY + "    return " + "9" * 5000 + "\n",
    "h16_bigint4000.py": H + ENTRY + "    return x + " + "9" * 4000 + "\n",
    "h16_floatinf.py": H + ENTRY + "    y = float('inf')\n    return {'a': x, 'b': y}\n",
    "nan.json": '{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": NaN, '
                '"End": true}}}',
    # item 5: what CPython refuses when it compiles the module
    "h16_modreturn.py": "return 1\n" + H + ENTRY + "    return x\n",
    "h16_dupargs.py": H + "def g(x, x):\n    return x\n\n" + ENTRY + "    return g(x, x)\n",
    "h16_continue.py": H + "def g(x):\n    continue\n\n" + ENTRY + "    return g(x)\n",
    "h16_braces.py": "from __future__ import braces\n" + H + ENTRY + "    return x\n",
    "h16_latefuture.py": H + "from __future__ import annotations\n" + ENTRY + "    return x\n",
    "h16_globalafter.py": H + "y = 1\ndef g(x):\n    print(y)\n    global y\n    return x\n\n" + ENTRY + "    return g(x)\n",
    "h16_modawait.py": H + "await g()\n" + ENTRY + "    return x\n",
    "h16_modyield.py": H + "yield 1\n" + ENTRY + "    return x\n",
    # item 6
    "h16_elifhelper.py": H + "import math\n\n@PSF.main\ndef f(v, n):\n    if v == 1:\n        return 1\n"
                     "    elif PSF.NumericGreaterThan(v, math.floor(n)):\n        return 2\n    return 3\n",
    # item 7: retry specs
    "h16_retry_empty.py": H + "@PSF.retry(on='')\ndef g(x):\n    return x\n\n" + ENTRY + "    return g(x)\n",
    "h16_retry_typo.py": H + "@PSF.retry(on='States.Tiemout')\ndef g(x):\n    return x\n\n" + ENTRY + "    return g(x)\n",
    "h16_retry_max.py": H + "@PSF.retry(max_attempts=100000000)\ndef g(x):\n    return x\n\n" + ENTRY + "    return g(x)\n",
    "h16_retry_interval.py": H + "@PSF.retry(interval=100000000)\ndef g(x):\n    return x\n\n" + ENTRY + "    return g(x)\n",
    "h16_retry_spec.py": H + "def g(x):\n    return x\n\n" + ENTRY
                     + "    return PSF.with_retry_spec(g, (x,), (['States.Timeuot'], 1, 3))\n",
    # item 8 (the message only): a flat elif chain is one level, not 58
    "h16_elif58.py": _elif(58, "    return -1\n"),
    # item 9: characters str.splitlines() breaks at and the tokenizer does not
    "h16_lines.py": H + "def g(x):\n    return x\n\n" + ENTRY + "    y = 'a\u2028b\x0bc\x0cd\x1ce\x85f'\n    z = g(x)\n"
                "    return undefined(z)\n",
    # item 13: runaway executions
    "loop.json": _machine({"A": {"Type": "Pass", "Assign": {"x": "{% $exists($x) ? $x + 1 : 0 %}"}, "Next": "B"},
                           "B": {"Type": "Choice", "Choices": [{"Condition": "{% $x > -1 %}", "Next": "A"}],
                                 "Default": "C"},
                           "C": {"Type": "Succeed"}}),
    "retries.json": _machine({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                    "Arguments": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f",
                                                  "Payload": {"callee": "nope", "args": [], "kwargs": {}}},
                                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999}],
                                    "End": True}}),
    "bigmap.json": _machine({"A": {"Type": "Map", "Items": "{% $range(1, 1000000) %}", "ItemProcessor": {
        "StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}, "End": True}}),
    "h16_forever.py": H + ENTRY + "    while x > 0:\n        x = x + 1\n    return x\n",
    "tco.json": _pass("{% ($f := function($n) { $f($n + 1) }; $f(0)) %}"),
    "range.json": _pass("{% $count($range(0, 1e9)) %}"),
    "pad.json": _pass("{% $length($pad('', 1e9)) %}"),
    "regex.json": _pass("{% $match('" + "a" * 40 + "b', /(a|aa)+$/) %}"),
    "h16_ok.py": H + "def g(x):\n    return x\n\n" + ENTRY + "    return g(x)\n",
    # found by the mutation fuzzer: Fail states the validator (rightly) refused, as internal errors
    "h16_failstates.py": H + ENTRY + "    raise PSF.Fail('States.Tiemout', 'c')\n",
    "h16_longcause.py": H + ENTRY + "    raise PSF.Fail('E', '" + "c" * 40_000 + "')\n",
    "h16_nonenone.py": "from __future__ import annotations\n" + H + "@PSF.main\ndef f(x: None | None = None):\n"
                       "    return x\n",
    "h16_longclass.py": H + f"class E{'x' * 300}(Exception):\n    pass\n\n" + ENTRY + f"    raise E{'x' * 300}('m')\n",
}
FILES["deepdef.json"] = ('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Output": '
                         + "[" * 100_000 + "]" * 100_000 + "}}}")
DEEP_INPUT = "[" * 5000 + "]" * 5000

RUNAWAY = "execution failed: States.Runtime: The execution reached the maximum number of history events (25000): " \
          "a Standard workflow's history holds at most 25,000 (pysfn run --max-events changes the local bound)"


def _query_error(state: str, expression: str, message: str) -> str:
    return (f"execution failed: States.QueryEvaluationError: An error occurred while executing the state '{state}' "
            f"(entered at the event id #2). The JSONata expression '{expression}' specified for the field 'Output' "
            f"threw an error: {message}")


# (item, id, argv, exit status, first line of stderr -- or ("stdout", first line of stdout))
TABLE = [
    (1, "nested TypedDict, good input", ["run", "h16_nested.py", "--input", '{"o": {"address": {"city": "Oslo"}}}'], 0,
     ("stdout", '"Oslo"')),
    (1, "nested TypedDict, bad nested field", ["run", "h16_nested.py", "--input", '{"o": {"address": {"city": 1}}}'], 3,
     "execution failed: TypeError: f() input 'o' must be Order, not dict"),
    (1, "recursive TypedDict", ["compile", "h16_recursive.py"], 1,
     "h16_recursive.py:5:12: error: the TypedDict 'Node' contains itself (Node -> Node): a recursive input type has no "
     "finite check"),
    (2, "null in list[str]", ["run", "h16_tags.py", "--input", '{"tags": ["x", null]}'], 3,
     "execution failed: TypeError: f() input 'tags' must be list[str], not list"),
    (2, "only null in list[str]", ["run", "h16_tags.py", "--input", '{"tags": [null]}'], 3,
     "execution failed: TypeError: f() input 'tags' must be list[str], not list"),
    (3, "3,500 unary operators", ["compile", "h16_deep_unary.py"], 1,
     "h16_deep_unary.py:5:1: error: CPython cannot compile this module: the code is nested too deeply (RecursionError in "
     "Python's own compiler)"),
    (3, "3,500 binary operators", ["compile", "h16_deep_binop.py"], 1,
     "h16_deep_binop.py:5:1: error: CPython cannot compile this module: the code is nested too deeply (RecursionError in "
     "Python's own compiler)"),
    (3, "3,000-arm elif", ["compile", "h16_elif3000.py"], 1,
     "h16_elif3000.py:5:1: error: CPython cannot compile this module: the code is nested too deeply (RecursionError in "
     "Python's own compiler)"),
    (3, "3,500 chained attributes", ["compile", "h16_attrs.py"], 1,
     "h16_attrs.py:5:1: error: CPython cannot compile this module: the code is nested too deeply (RecursionError in "
     "Python's own compiler)"),
    (4, "-1e999 in a literal", ["compile", "h16_inf.py"], 1, "h16_inf.py:5:19: error: inf is not a JSON number"),
    (4, "-1e999 in a comparison", ["compile", "h16_infcmp.py"], 1, "h16_infcmp.py:5:13: error: inf is not a JSON number"),
    (4, "an int of 5,000 digits", ["compile", "h16_bigint.py"], 1,
     "h16_bigint.py:5:1: error: syntax error: Exceeds the limit (4300 digits) for integer string conversion: value has "
     "5000 digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer "
     "literals to avoid decimal conversion limits."),
    (4, "an int of 4,000 digits", ["compile", "h16_bigint4000.py"], 1,
     "h16_bigint4000.py:5:16: error: this integer (4000 digits) is beyond 2**53: Step Functions numbers are doubles, so "
     "it would silently lose digits"),
    (4, "validate NaN", ["validate", "nan.json"], 1,
     "error: nan.json is not JSON: NaN is not a JSON number (JSON numbers are finite)"),
    (4, "run --input NaN", ["run", "h16_ok.py", "--input", '{"x": NaN}'], 1,
     "error: --input is not JSON: NaN is not a JSON number (JSON numbers are finite)"),
    (4, "run --input Infinity", ["run", "h16_ok.py", "--input", '{"x": -Infinity}'], 1,
     "error: --input is not JSON: -Infinity is not a JSON number (JSON numbers are finite)"),
    # extracted code's value is checked to be JSON: the failure names the line (issue 12 item 5)
    (4, "a callee result of inf is never printed", ["run", "h16_floatinf.py", "--input", '{"x": 1}'], 3,
     'execution failed: PysfnNotJSONError: {"errorMessage":"h16_floatinf.py:5: \'float(\'inf\')\' is the float inf, '
     'not a JSON value the state machine can hold (values are JSON: list, dict with str keys, str, int, float, '
     'bool, None; convert it, e.g. list(...), dict(...), str(...))","errorType":"PysfnNotJSONError"}'),
    (5, "module-level return", ["compile", "h16_modreturn.py"], 1,
     "h16_modreturn.py:1:1: error: syntax error: 'return' outside function"),
    (5, "def g(x, x)", ["compile", "h16_dupargs.py"], 1,
     "h16_dupargs.py:3:10: error: syntax error: duplicate argument 'x' in function definition"),
    (5, "continue outside a loop in a callee", ["compile", "h16_continue.py"], 1,
     "h16_continue.py:4:5: error: syntax error: 'continue' not properly in loop"),
    (5, "from __future__ import braces", ["compile", "h16_braces.py"], 1, "h16_braces.py:1:1: error: syntax error: not a chance"),
    (5, "a late __future__", ["compile", "h16_latefuture.py"], 1,
     "h16_latefuture.py:3:1: error: syntax error: from __future__ imports must occur at the beginning of the file"),
    (5, "global after use", ["compile", "h16_globalafter.py"], 1,
     "h16_globalafter.py:6:5: error: syntax error: name 'y' is used prior to global declaration"),
    (5, "module-level await", ["compile", "h16_modawait.py"], 1, "h16_modawait.py:3:1: error: syntax error: 'await' outside function"),
    (5, "module-level yield", ["compile", "h16_modyield.py"], 1, "h16_modyield.py:3:1: error: syntax error: 'yield' outside function"),
    (6, "an extracted argument of a PSF helper in an elif", ["run", "h16_elifhelper.py", "--input", '{"v": 5, "n": 2.5}'],
     0, ("stdout", "2")),
    (6, "... not computed when an earlier test decides", ["run", "h16_elifhelper.py", "--input", '{"v": 1, "n": "x"}'],
     0, ("stdout", "1")),
    (7, "retry on=''", ["compile", "h16_retry_empty.py"], 1,
     "h16_retry_empty.py:3:15: error: an empty error name never matches an error"),
    (7, "retry on a misspelt States.Timeout", ["compile", "h16_retry_typo.py"], 1,
     "h16_retry_typo.py:3:15: error: 'States.Tiemout' is not an error Step Functions defines; did you mean "
     "'States.Timeout'?"),
    (7, "retry max_attempts over AWS's maximum", ["compile", "h16_retry_max.py"], 1,
     "h16_retry_max.py:3:25: error: max_attempts is 100,000,000; Step Functions accepts 0 to 99,999,999"),
    (7, "retry interval over AWS's maximum", ["compile", "h16_retry_interval.py"], 1,
     "h16_retry_interval.py:3:21: error: interval is 100,000,000; Step Functions accepts 1 to 99,999,999"),
    (7, "with_retry_spec naming an unknown States error", ["compile", "h16_retry_spec.py"], 1,
     "h16_retry_spec.py:8:43: error: 'States.Timeuot' is not an error Step Functions defines; did you mean "
     "'States.Timeout'?"),
    (8, "a flat 58-arm elif compiles", ["compile", "h16_elif58.py"], 0, ("stdout", "{")),
    (9, "U+2028, \\x0b, \\x0c, \\x1c, \\x85 in a string do not shift later lines", ["compile", "h16_lines.py"], 1,
     "h16_lines.py:10:12: error: 'undefined' is not a callee of this workflow"),
    ("fuzz", "PSF.Fail with an undefined States.* error", ["compile", "h16_failstates.py"], 1,
     "h16_failstates.py:5:20: error: 'States.Tiemout' is not an error Step Functions defines, and custom error "
     "names may not start with 'States.'; did you mean 'States.Timeout'?"),
    ("fuzz", "PSF.Fail with a cause over 32,768 characters", ["compile", "h16_longcause.py"], 1,
     "h16_longcause.py:5:25: error: this cause is 40,000 characters; a Fail state's Cause is at most 32,768"),
    ("fuzz", "raising a class whose name is over 256 characters", ["compile", "h16_longclass.py"], 1,
     "h16_longclass.py:8:11: error: this error name is 301 characters; a Fail state's Error is at most 256"),
    ("fuzz", "an annotation None | None (was StopIteration)", ["compile", "h16_nonenone.py"], 0, ("stdout", "{")),
    (12, "compile F -o F", ["compile", "h16_ok.py", "-o", "h16_ok.py"], 1,
     "error: h16_ok.py is the source h16_ok.py: writing it would destroy it; choose another file"),
    (12, "package F F", ["package", "h16_ok.py", "./h16_ok.py"], 1,
     "error: ./h16_ok.py is the source h16_ok.py: writing it would destroy it; choose another file"),
    (12, "graph F -o F", ["graph", "h16_ok.py", "-o", "h16_ok.py"], 1,
     "error: h16_ok.py is the source h16_ok.py: writing it would destroy it; choose another file"),
    (14, "a 5,000-deep --input", ["run", "h16_ok.py", "--input", DEEP_INPUT], 1,
     "error: --input is not JSON: nested 5000 levels deep; pysfn reads JSON at most 500 levels deep"),
    (14, "a 100,000-deep definition (run)", ["run", "--definition", "deepdef.json"], 1,
     "error: deepdef.json is not JSON: nested 100003 levels deep; pysfn reads JSON at most 500 levels deep"),
    (14, "a 100,000-deep definition (validate)", ["validate", "deepdef.json"], 1,
     "error: deepdef.json is not JSON: nested 100003 levels deep; pysfn reads JSON at most 500 levels deep"),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name, module in list(sys.modules.items()):  # what these tests imported from their directories
        file = str(getattr(module, "__file__", None) or "")
        if name.startswith(("h16_", "pysfn_handler_h16_", "pysfn_extracted_h16_")) or file.startswith(str(tmp_path)):
            del sys.modules[name]
    while str(tmp_path) in sys.path or str(tmp_path / "flow") in sys.path:
        sys.path.remove(str(tmp_path) if str(tmp_path) in sys.path else str(tmp_path / "flow"))


def _first_line(text: str) -> str:
    lines = text.splitlines()
    return lines[0] if lines else ""


@pytest.mark.parametrize("argv, status, expected", [row[2:] for row in TABLE],
                         ids=[f"item {row[0]}: {row[1]}" for row in TABLE])
def test_hostile_input_gets_one_clear_line(workdir, argv, status, expected):
    started = time.monotonic()
    result = CliRunner().invoke(cli, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exit_code == status, result.output
    if isinstance(expected, tuple):
        assert _first_line(result.stdout) == expected[1], result.output
    else:
        assert _first_line(result.stderr) == expected
    assert time.monotonic() - started < 60  # seconds, on a loaded machine


def test_item_4_the_machine_never_holds_infinity(workdir):
    result = CliRunner().invoke(cli, ["compile", "h16_ok.py"])
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout


def test_item_9_comments_quote_the_right_lines(workdir):
    (workdir / "h16_lines.py").write_text(FILES["h16_lines.py"].replace("undefined(z)", "z"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["compile", "h16_lines.py"])
    assert result.exit_code == 0, result.output
    comments = [s["Comment"] for s in json.loads(result.stdout)["States"].values()]
    assert "h16_lines.py:9 z = g(x); then return z" in comments


# ---------------------------------------------------------------------------------------------
# Item 13 (and a 5,000-deep input through the Python API): real processes, time and memory bounds

# The peak resident memory of the run's own process: VmHWM of /proc/self/status (getrusage's
# ru_maxrss would include the RSS of the pytest process it was forked from, which Linux carries
# over exec).
_PEAK = ("import sys, atexit\n"
         "def peak():\n"
         "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
         "    sys.stderr.write('\\nPEAK_RSS_KB %s\\n' % hwm)\n"
         "atexit.register(peak)\n"
         "from pysfn.cli import main\nsys.argv = ['pysfn'] + sys.argv[1:]\nmain()\n")
MAX_SECONDS = 90       # wall clock on a shared 2-core machine (measured: 1 to 6 s unloaded)
MAX_RSS_KB = 400_000   # peak resident memory of the whole process, interpreter and pysfn included

BOUNDED = [
    ("a Choice loop (Standard)", ["run", "--definition", "loop.json"], RUNAWAY),
    ("a Choice loop (Express: 5 minutes, here --max-seconds 3)",
     ["run", "--definition", "loop.json", "--express", "--max-seconds", "3"],
     "execution timed out: States.Timeout: The execution ran for more than 3 seconds (an Express workflow runs at "
     "most 5 minutes; pysfn run --max-seconds changes the local bound)"),
    ("MaxAttempts 99999999", ["run", "--definition", "retries.json", "h16_ok.py"], RUNAWAY),
    ("a 1,000,000-item Map", ["run", "--definition", "bigmap.json"], RUNAWAY),
    ("while x > 0: x = x + 1", ["run", "h16_forever.py", "--input", '{"x": 1}'], RUNAWAY),
    ("JSONata infinite (tail) recursion", ["run", "--definition", "tco.json"],
     _query_error("A", "($f := function($n) { $f($n + 1) }; $f(0))",
                  "The JSONata evaluation took more than 1 second(s): Step Functions stops an expression after 1 "
                  "second (pysfn run --expression-seconds changes the local budget)")),
    ("$range(0, 1e9)", ["run", "--definition", "range.json"],
     _query_error("A", "$count($range(0, 1e9))", "$range: 1,000,000,001 items is beyond pysfn's bound of 1,000,000 "
                  "(as JSON such a list is larger than the 256 KiB a state can carry)")),
    ("$pad('', 1e9)", ["run", "--definition", "pad.json"],
     _query_error("A", "$length($pad('', 1e9))", "$pad: a width of 1e+09 characters is beyond pysfn's bound of "
                  "10,000,000 (no state can carry such a string)")),
]


try:  # the regex package (installed with the test extras) is what makes patterns interruptible
    import regex as _regex  # noqa: F401
    BOUNDED.append(("a backtracking regex", ["run", "--definition", "regex.json"],
                    _query_error("A", "$match('" + "a" * 40 + "b', /(a|aa)+$/)",
                                 "the regular expression /(a|aa)+$/ ran for more than 1 second(s): Step Functions "
                                 "stops an expression after 1 second")))
except ImportError:
    pass


@pytest.mark.parametrize("argv, first_line", [row[1:] for row in BOUNDED], ids=[row[0] for row in BOUNDED])
def test_item_13_runaway_executions_end_within_bounds(workdir, argv, first_line):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *argv], capture_output=True, text=True, cwd=workdir,
                          env=env, timeout=MAX_SECONDS * 2)
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 3, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("execution ")]  # after any warning
    assert lines[0] == first_line
    peak = int(proc.stderr.rsplit("PEAK_RSS_KB ", 1)[1].split()[0])
    print(f"{argv}: {elapsed:.1f} s, peak {peak / 1024:.0f} MB")
    assert elapsed < MAX_SECONDS
    assert peak < MAX_RSS_KB


def test_item_13_limits_are_configurable_from_python(workdir):
    from pysfn.local import RunLimits, run_definition
    machine = json.loads(FILES["loop.json"])
    short = run_definition(machine, {}, limits=RunLimits.standard(max_events=50))
    # the bound is checked before each state and retry: the history ends within one state's events of it
    assert (short.status, short.error) == ("FAILED", "States.Runtime") and 50 <= len(short.record.events) <= 58
    longer = run_definition(machine, {}, limits=RunLimits.standard(max_events=2_000))
    assert longer.status == "FAILED" and 2_000 <= len(longer.record.events) <= 2_008
    timed = run_definition(machine, {}, limits=RunLimits.express(max_seconds=0.5))
    assert (timed.status, timed.error) == ("TIMED_OUT", "States.Timeout")
    assert timed.record.events[-1]["type"] == "ExecutionTimedOut"
    slow = json.loads(FILES["tco.json"])
    quick = run_definition(slow, {}, limits=RunLimits.standard(expression_seconds=0.2))
    assert quick.error == "States.QueryEvaluationError" and "0.2 second" in quick.cause


def test_item_13_a_catch_all_does_not_catch_the_history_bound(workdir):
    from pysfn.local import RunLimits, run_definition
    machine = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Parallel", "Branches": [{"StartAt": "L", "States": {
            "L": {"Type": "Pass", "Next": "L2"}, "L2": {"Type": "Pass", "Next": "L"}}}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Succeed"}}}
    result = run_definition(machine, {}, limits=RunLimits.standard(max_events=300))
    assert (result.status, result.error) == ("FAILED", "States.Runtime")


def test_item_14_deep_values_through_the_python_api():
    from pysfn.local import run_definition
    deep = 0
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="the execution input is nested more than 500 levels deep"):
        run_definition(json.loads(FILES["loop.json"]), deep)
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, "Output": deep}}}
    with pytest.raises(ValueError, match="the definition is nested more than 500 levels deep"):
        run_definition(definition, {})
    from pysfn.asl.validator import validate
    assert validate(definition) == ["(top): the definition is nested more than 500 levels deep"]


# ---------------------------------------------------------------------------------------------
# Items 10-12: the packager and the output streams

@pytest.fixture
def linked(workdir):
    """A workflow directory whose imports are links out of it, a FIFO and a device."""
    elsewhere = workdir / "elsewhere"
    (elsewhere / "lib").mkdir(parents=True)
    (elsewhere / "helpers.py").write_text("def h(x):\n    return x\n")
    (elsewhere / "lib" / "__init__.py").write_text("def k(x):\n    return x\n")
    (elsewhere / "credentials").write_text("aws_secret_access_key = 'SECRET'\n")
    flow = workdir / "flow"
    (flow / "pkg").mkdir(parents=True)
    (flow / "helpers.py").symlink_to(elsewhere / "helpers.py")
    (flow / "lib").symlink_to(elsewhere / "lib")
    (flow / "creds.py").symlink_to(elsewhere / "credentials")
    (flow / "zero.py").symlink_to("/dev/zero")
    (flow / "pkg" / "__init__.py").write_text("")
    os.mkfifo(flow / "pkg" / "fifo.py")
    (flow / "h16_linked.py").write_text(H + "import helpers, lib, creds, zero, pkg\n\ndef g(x):\n    return x\n\n"
                                + ENTRY + "    return g(x)\n")
    return flow


def test_items_10_the_package_holds_regular_files_of_the_directory_only(linked):
    import zipfile
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["package", str(linked / "h16_linked.py"), str(linked.parent / "out.zip")])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60  # the FIFO is never opened, /dev/zero never read
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: left out")]
    assert notes[0] == (f"note: left out of the package: {linked / 'helpers.py'}: it is a symbolic link (to "
                        f"{linked.parent / 'elsewhere' / 'helpers.py'}); only regular files inside the workflow's "
                        "directory are shipped")
    assert len(notes) == 5 and any("it is a FIFO, not a regular file" in n for n in notes)
    assert any("(to /dev/zero)" in n for n in notes) and any("its directory lib is a symbolic link" in n for n in notes)
    names = zipfile.ZipFile(linked.parent / "out.zip").namelist()
    assert sorted(n for n in names if not n.startswith("pysfn/")) == ["h16_linked.py", "handler.py", "pkg/__init__.py"]
    data = (linked.parent / "out.zip").read_bytes()
    assert b"SECRET" not in data


def test_item_10_compile_and_run_do_not_hang_on_a_fifo(linked):
    (linked / "h16_linked2.py").write_text(H + "import helpers, pkg\n\n" + ENTRY + "    return helpers.h(x)\n")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["run", str(linked / "h16_linked2.py"), "--input", '{"x": 2}'])
    assert result.exit_code == 0 and result.stdout.strip() == "2", result.output  # natively the link works...
    assert result.stderr.splitlines()[0].startswith(f"note: left out of the package: {linked / 'helpers.py'}: it "
                                                    "is a symbolic link")  # ...and the user is told it is not shipped
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("files, source, first_line", [
    ({"wf.py": "import pysfn_extracted_wf\n" + FILES["h16_ok.py"], "pysfn_extracted_wf.py": "X = 1\n"}, "wf.py",
     "error: the local module 'pysfn_extracted_wf' has the name of the module pysfn generates for code extracted "
     "from 'wf', which would replace it: rename it"),
    ({"inspect.py": FILES["h16_ok.py"]}, "inspect.py",
     "error: the workflow module 'inspect' shadows the standard library module 'inspect' in the Lambda (the "
     "package's directory comes first on sys.path, and the handler, the runtime and the Lambda runtime import the "
     "standard library): rename it"),
    ({"w.py": "import functools\n" + FILES["h16_ok.py"], "functools.py": "X = 1\n"}, "w.py",
     "error: the local module 'functools' shadows the standard library module 'functools' in the Lambda (the "
     "package's directory comes first on sys.path, and the handler, the runtime and the Lambda runtime import the "
     "standard library): rename it"),
])
def test_item_11_module_names_that_cannot_work_in_the_lambda(tmp_path, monkeypatch, files, source, first_line):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["package", source, "out.zip"])
    assert result.exit_code == 1 and not (tmp_path / "out.zip").exists()
    assert _first_line(result.stderr) == first_line


@pytest.mark.parametrize("how", ["closed", "full"])
@pytest.mark.parametrize("argv", [["compile", "h16_ok.py"], ["run", "h16_ok.py", "--input", '{"x": 1}'],
                                  ["graph", "h16_ok.py"]])
def test_item_12_a_closed_or_full_stdout_fails(workdir, how, argv):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    stdout = open("/dev/full", "w") if how == "full" else subprocess.DEVNULL
    if how == "closed":  # start the process with file descriptor 1 closed
        proc = subprocess.run([sys.executable, "-c", "import os, sys\nos.close(1)\nsys.stdout = None\n"
                               "from pysfn.cli import main\nsys.argv = ['pysfn'] + sys.argv[1:]\nmain()", *argv],
                              stderr=subprocess.PIPE, text=True, cwd=workdir, env=env)
        expected = "error: cannot write the output: standard output is closed"
    else:
        with stdout:
            proc = subprocess.run([sys.executable, "-m", "pysfn", *argv], stdout=stdout, stderr=subprocess.PIPE,
                                  text=True, cwd=workdir, env=env)
        expected = "error: cannot write the output to standard output: No space left on device"
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.startswith("error")] == [expected]


def test_item_12_over_50_mb_is_noted_and_deploy_refuses_it_before_any_call(workdir, monkeypatch):
    from pysfn.packaging import zipper
    monkeypatch.setattr(zipper, "DIRECT_UPLOAD_LIMIT", 1000)  # the real 50 MB takes 20 s to build
    result = CliRunner().invoke(cli, ["package", "h16_ok.py", "out.zip", "--no-dependencies"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith("warning: the package is 0.0 MB; Lambda takes at most 0 MB "
                                                     "uploaded directly: upload it to S3")
    from pysfn.deploy import AwsError, deploy
    with pytest.raises(AwsError, match="Lambda takes at most 0.001 MB uploaded directly: give --bucket BUCKET"):
        deploy("h16_ok.py", "big", region="eu-west-1", no_dependencies=True)  # no AWS is configured: no call made


# ---------------------------------------------------------------------------------------------
# Items 15-16: deploy

@pytest.fixture
def aws(monkeypatch):
    from moto import mock_aws
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def test_item_15_a_foreign_role_is_not_adopted(aws, workdir):
    import boto3
    iam = boto3.client("iam")
    everything = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    iam.create_role(RoleName="evil-pysfn-machine", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
    admin = iam.create_policy(PolicyName="Admin", PolicyDocument=everything)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="evil-pysfn-machine", PolicyArn=admin)
    iam.put_role_policy(RoleName="evil-pysfn-machine", PolicyName="all", PolicyDocument=everything)
    result = CliRunner().invoke(cli, ["deploy", "h16_ok.py", "--name", "evil"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = [line for line in result.stderr.splitlines() if line.startswith("error")][0]
    assert line == ("error: the role evil-pysfn-machine exists but is not the role pysfn manages: its trust policy is "
                    'not the one pysfn writes ({"Statement": {"Action": "sts:AssumeRole", "Effect": "Allow", '
                    '"Principal": {"AWS": "*"}}, "Version": "2012-10-17"}); it has managed policies attached '
                    "(arn:aws:iam::123456789012:policy/Admin); it has inline policies pysfn did not write (all). "
                    "pysfn does not adopt it: delete it, or pass it with --role-arn/--lambda-role-arn to use it as "
                    "it is")
    # nothing was created: both roles are checked first
    assert boto3.client("lambda").list_functions()["Functions"] == []
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["evil-pysfn-machine"]
    # named explicitly, the same role is used as it is
    arn = iam.get_role(RoleName="evil-pysfn-machine")["Role"]["Arn"]
    named = CliRunner().invoke(cli, ["deploy", "h16_ok.py", "--name", "evil", "--role-arn", arn])
    assert named.exit_code == 0, named.output


def test_item_15_trust_policies_carry_the_confused_deputy_conditions(aws, workdir):
    import boto3
    result = CliRunner().invoke(cli, ["deploy", "h16_ok.py", "--name", "good"])
    assert result.exit_code == 0, result.output
    iam = boto3.client("iam")
    machine = iam.get_role(RoleName="good-pysfn-machine")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert machine["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}, "ArnLike": {
        "aws:SourceArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:good"}}
    function = iam.get_role(RoleName="good-pysfn-lambda")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert function["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    again = CliRunner().invoke(cli, ["deploy", "h16_ok.py", "--name", "good"])  # its own roles: adopted
    assert again.exit_code == 0 and "role good-pysfn-machine: exists, policy updated" in again.stderr


@pytest.mark.parametrize("argv, env, first_line", [
    (["--name", "Straße"], {}, "error: --name 'Straße': use ASCII letters, digits, '-' and '_' only (AWS refuses or "
     "mangles other characters in role, function and state machine names)"),
    (["--name", "x" * 51], {}, f"error: --name '{'x' * 51}' is 51 characters: the role name '{'x' * 51}-pysfn-machine' "
     "would be 65, and AWS accepts at most 64; use at most 50 characters"),
    (["--name", "ok", "--endpoint-url", "notaurl"], {},
     "error: --endpoint-url 'notaurl' is not a URL such as http://127.0.0.1:5000"),
    (["--name", "ok", "--region", "us east 1!"], {}, "error: --region 'us east 1!' is not a region name such as eu-west-1"),
    (["--name", "ok", "--endpoint-url", "http://127.0.0.1:9"], {"AWS_SECRET_ACCESS_KEY": None},
     "error: no AWS credentials while creating the sts client: configure them (aws configure, AWS_PROFILE or "
     "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"),
])
def test_item_16_deploy_arguments_aws_refuses(workdir, monkeypatch, argv, env, first_line):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1", "AWS_CONFIG_FILE": os.devnull,
                       "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **env}.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    result = CliRunner().invoke(cli, ["deploy", "h16_ok.py", *argv])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("error")][0] == first_line
