"""Every tool meets bad input with one clear first line and a non-zero exit, never a traceback.

One table: the command, the files it finds, the exact first line of what it prints on stderr,
and the exit status (1: a mistake of the user, 3: the execution failed). The ``pysfn`` commands
run through click's runner; the ``python -m pysfn.tools.*`` entry points as real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pysfn.cli import cli

FILES = {
    "empty.py": b"",
    "latin1.py": b'x = "\xe9"\n',
    "binary.py": b"\x00\x01\x02",
    "syntax.py": b"def f(:\n    pass\n",
    "noentry.py": b"import pysfn as PSF\n\ndef f():\n    return 1\n",
    "two.py": b"import pysfn as PSF\n\n@PSF.main\ndef f():\n    return 1\n\n@PSF.main\ndef g():\n    return 2\n",
    "nocallee.py": b"import pysfn as PSF\n\n@PSF.main\ndef f(x):\n    return undefined_callee(x)\n",
    "failint.py": b"import pysfn as PSF\n\n@PSF.main\ndef f(x):\n    raise PSF.Fail(42, 'why')\n",
    "branchargs.py": (b"import pysfn as PSF\n\n@PSF.main\ndef f(x):\n    def b(y):\n        return y\n"
                      b"    return PSF.parallel(b)\n"),
    "mapbuiltin.py": b"import pysfn as PSF\n\n@PSF.main\ndef f(xs):\n    return PSF.map(len, xs)\n",
    "huge.py": b"import pysfn as PSF\n\n@PSF.main\ndef f():\n    return '" + b"x" * 300_000 + b"'\n",
    "deep.py": b"import pysfn as PSF\n\n@PSF.main\ndef f(x):\n    return " + b"[" * 80 + b"x" + b"]" * 80 + b"\n",
    "ok.py": b"import pysfn as PSF\n\ndef g(x):\n    return x\n\n@PSF.main\ndef f(x: int):\n    return g(x)\n",
    "typed.py": b"import pysfn as PSF\n\n@PSF.main\ndef typed(x: int):\n    return x\n",
    "grows.py": b"import pysfn as PSF\n\n@PSF.main\ndef grows(items):\n    s = ''\n    for i in items:\n"
                b"        s += i\n    return s\n",
    "bad.json": b'{"StartAt": "A", "States": {}}',
    "notjson.json": b"{nope",
    "input.json": b'{"x": 1}',
    "badinput.json": b"{x",
}

# (id, argv, exit status, first line of stderr)
TABLE = [
    ("missing file", ["compile", "missing.py"], 1, "missing.py:1:1: error: no such file"),
    ("a directory", ["compile", "adir"], 1, "adir:1:1: error: is a directory, not a Python file"),
    ("empty file", ["compile", "empty.py"], 1, "empty.py:1:1: error: is empty: there is no workflow to compile"),
    ("not UTF-8", ["compile", "latin1.py"], 1, "latin1.py:1:1: error: is not UTF-8 text (byte 5)"),
    ("binary", ["compile", "binary.py"], 1, "binary.py:1:1: error: is a binary file, not Python source"),
    ("syntax error", ["compile", "syntax.py"], 1, "syntax.py:1:7: error: syntax error: invalid syntax"),
    ("no entry", ["compile", "noentry.py"], 1,
     "noentry.py:1:1: error: no entry function: no function is decorated with @PSF.main"),
    ("two entries", ["compile", "two.py"], 1, "two.py:8:1: error: several functions are marked @PSF.main: f, g"),
    ("--entry missing", ["compile", "ok.py", "--entry", "nope"], 1, "ok.py:1:1: error: no top-level function named 'nope'"),
    ("undefined callee", ["compile", "nocallee.py"], 1,
     "nocallee.py:5:12: error: 'undefined_callee' is not a callee of this workflow"),
    ("PSF.Fail error not a string", ["compile", "failint.py"], 1,
     "failint.py:5:20: error: the error of PSF.Fail must be a string"),
    ("branch with arguments", ["compile", "branchargs.py"], 1,
     "branchargs.py:5:5: error: parallel branch 'b' must take no arguments"),
    ("map of a non-callee", ["compile", "mapbuiltin.py"], 1, "mapbuiltin.py:5:20: error: 'len' is not a callee of this workflow"),
    ("literal over 256 KiB", ["compile", "huge.py"], 1,
     "huge.py:5:12: error: this literal is 300,002 bytes as JSON; a Step Functions value is at most 262,144 "
     "bytes (256 KiB)"),
    ("nested too deeply", ["compile", "deep.py"], 1,
     "deep.py:5:92: error: this code is nested 83 levels deep; pysfn compiles at most 60"),
    ("output dir missing", ["compile", "ok.py", "-o", "nodir/x.json"], 1,
     "error: cannot write nodir/x.json: No such file or directory"),
    ("output is a directory", ["compile", "ok.py", "-o", "adir"], 1, "error: cannot write adir: Is a directory"),
    ("zip dir missing", ["package", "ok.py", "nodir/x.zip"], 1, "error: cannot write nodir/x.zip: No such file or directory"),
    ("zip is a directory", ["package", "ok.py", "adir"], 1, "error: cannot write adir: Is a directory"),
    ("package missing source", ["package", "missing.py", "x.zip"], 1, "missing.py:1:1: error: no such file"),
    ("validate missing file", ["validate", "missing.json"], 1, "error: cannot read missing.json: No such file or directory"),
    ("validate not JSON", ["validate", "notjson.json"], 1,
     "error: notjson.json is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("validate invalid ASL", ["validate", "bad.json"], 1, None),
    ("run missing source", ["run", "missing.py", "--input", "{}"], 1, "missing.py:1:1: error: no such file"),
    ("run input not JSON", ["run", "ok.py", "--input", "{bad"], 1,
     "error: --input is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("run input not an object", ["run", "ok.py", "--input", "[1]"], 3,
     "execution failed: TypeError: f() takes an input object with the keys: x (required)"),
    ("run input of the wrong type", ["run", "typed.py", "--input", '{"x": "1"}'], 3,
     "execution failed: TypeError: typed() input 'x' must be int, not str"),
    ("graph missing source", ["graph", "missing.py"], 1, "missing.py:1:1: error: no such file"),
    # issue 17: files as inputs, usage errors, Python given to validate
    ("run input file missing", ["run", "ok.py", "--input", "@nope.json"], 1,
     "error: cannot read --input file nope.json: No such file or directory"),
    ("run input file not JSON", ["run", "ok.py", "--input", "file://badinput.json"], 1,
     "error: --input (badinput.json) is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
     "(char 1)"),
    ("run input file is a directory", ["run", "ok.py", "--input", "@adir"], 1,
     "error: cannot read --input file adir: Is a directory"),
    ("graph input file missing", ["graph", "ok.py", "--input", "@nope.json"], 1,
     "error: cannot read --input file nope.json: No such file or directory"),
    ("run without a source", ["run", "--input", "@input.json"], 2, "Usage: cli run [OPTIONS] [SOURCE]"),
    ("package without a zip", ["package", "ok.py"], 2, "Usage: cli package [OPTIONS] SOURCE [ZIP]"),
    ("validate a Python file", ["validate", "ok.py"], 1,
     "error: ok.py is Python source, not an ASL definition (JSON)"),
    ("unknown -W action", ["-W", "always", "compile", "ok.py"], 2, "Usage: cli [OPTIONS] COMMAND [ARGS]..."),
    ("a warning as an error", ["-W", "error", "compile", "grows.py"], 1,
     "grows.py:7:9: warning: 's' grows on every iteration of the loop at line 6: a value over 256 KiB fails the "
     "execution (States.DataLimitExceeded)"),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "adir").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("argv, status, first_line", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_bad_input_gets_one_clear_line(workdir, argv, status, first_line):
    result = CliRunner().invoke(cli, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines, result.output
    if first_line is None:  # the validator's report: one problem per line, the first names the field
        assert lines[0].startswith("bad.json: ") or "error" in lines[0], lines[0]
    else:
        assert lines[0] == first_line


@pytest.mark.parametrize("tool, argv, first_line", [
    ("compile", ["missing.py"], "missing.py:1:1: error: no such file"),
    ("compile", ["syntax.py"], "syntax.py:1:7: error: syntax error: invalid syntax"),
    ("gen_lambda", ["ok.py", "nodir/x.zip"], "error: cannot write nodir/x.zip: No such file or directory"),
    ("gen_lambda", ["binary.py", "x.zip"], "binary.py:1:1: error: is a binary file, not Python source"),
])
def test_python_m_tools_answer_the_same_way(workdir, tool, argv, first_line):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, "-m", f"pysfn.tools.{tool}", *argv], capture_output=True, text=True,
                          cwd=workdir, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0] == first_line
