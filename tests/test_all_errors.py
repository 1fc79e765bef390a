"""Every error of a file in one run (issue 13): sorted by line, at most 20 then a count, exit 1 from
every command that compiles; 'did you mean' for names that are not callees; the new messages."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from pysfn.cli import cli
from pysfn.compiler import CompileError, compile_file, compile_source

SEVERAL = textwrap.dedent('''\
    import pysfn as PSF

    TIMEOUT = 3


    def fetch_order(order_id):
        return order_id


    @PSF.main
    def flow(order_id, items=[]):
        order = fetch_ordr(order_id)
        wait = TIMEUOT * 2
        global G
        for item in items:
            price = lookup_price(item)
            if price:
                total = undefined_total
        return [order, wait]
    ''')
EXPECTED = [
    (12, 13, "'fetch_ordr' is not a callee of this workflow", "did you mean 'fetch_order'?"),
    (13, 12, "name 'TIMEUOT' is not defined in the workflow", "did you mean 'TIMEOUT'?"),
    (14, 5, "'global G': Global statements are not supported", None),
    (16, 17, "'lookup_price' is not a callee of this workflow", None),
    (18, 21, "name 'undefined_total' is not defined in the workflow", None),
]


def errors_of(source: str) -> list:
    with pytest.raises(CompileError) as info:
        compile_source(source, "flow.py")
    return info.value.diagnostics


def test_every_error_of_a_file_is_reported_in_order():
    diags = errors_of(SEVERAL)
    assert [(d.loc.line, d.loc.col) for d in diags] == [(line, col) for line, col, _, _ in EXPECTED]
    for d, (_, _, message, hint) in zip(diags, EXPECTED):
        assert d.message.startswith(message)
        if hint is not None:
            assert d.hint == hint
    assert "did you mean" not in (diags[3].hint or "")  # nothing close to lookup_price


def test_errors_inside_nested_blocks_and_extraction_are_all_reported():
    source = SEVERAL.replace("    return [order, wait]\n", "    try:\n        y = nope(1)\n    except KeyError:\n"
                             "        z = PSF.map(fetch_order)\n    return [order, wait]\n")
    lines = [d.loc.line for d in errors_of(source)]
    assert lines == [12, 13, 14, 16, 18, 20, 22]


def test_at_most_twenty_errors_then_a_count():
    body = "".join(f"    v{i} = missing_{i}(order_id)\n" for i in range(25))
    source = "import pysfn as PSF\n\n@PSF.main\ndef flow(order_id):\n" + body + "    return 1\n"
    with pytest.raises(CompileError) as info:
        compile_source(source, "flow.py")
    assert len(info.value.diagnostics) == 25
    text = info.value.render()
    assert text.count(": error: ") == 20
    assert text.rstrip().endswith("... and 5 more errors")
    assert text.index("missing_0") < text.index("missing_19")


@pytest.mark.parametrize("argv", [
    ["compile", "{path}"],
    ["compile", "--explain", "{path}"],
    ["package", "{path}", "{out}"],
    ["template", "{path}"],
    ["run", "{path}"],
    ["graph", "{path}"],
])
def test_every_command_that_compiles_reports_them_all(tmp_path, argv):
    path = tmp_path / "flow.py"
    path.write_text(SEVERAL)
    result = CliRunner().invoke(cli, [a.format(path=path, out=tmp_path / "out.zip") for a in argv])
    assert result.exit_code == 1, result.output
    assert result.output.count(": error: ") == len(EXPECTED)
    assert "Traceback" not in result.output


def test_the_compile_tool_module_reports_them_all(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(SEVERAL)
    done = subprocess.run([sys.executable, "-m", "pysfn.tools.compile", str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.count(": error: ") == len(EXPECTED)
    assert done.stderr.startswith(f"{path}:12:13: error: 'fetch_ordr' is not a callee")


def test_did_you_mean_a_function_of_a_local_module(tmp_path):
    (tmp_path / "helpers.py").write_text("def normalise(x):\n    return x\n")
    path = tmp_path / "flow.py"
    path.write_text("import pysfn as PSF\nimport helpers\n\n@PSF.main\ndef flow(x):\n"
                    "    return helpers.normalize(x)\n")
    with pytest.raises(CompileError) as info:
        compile_file(path)
    (d,) = info.value.diagnostics
    assert (d.loc.line, d.message) == (6, "'helpers.normalize' is not a function of the local module 'helpers'")
    assert d.hint == "did you mean 'helpers.normalise'?"


def test_an_async_entry_says_what_is_wrong():
    source = "import pysfn as PSF\n\n@PSF.main\nasync def flow(x):\n    return x\n"
    (d,) = errors_of(source)
    assert (d.loc.line, d.message) == (4, "the entry 'flow' is an 'async def': a workflow is a plain function "
                                          "(Step Functions has no coroutines)")
    assert "write 'def flow(...)'" in d.hint


def test_an_async_callee_says_what_is_wrong():
    source = "import pysfn as PSF\n\nasync def get(x):\n    return x\n\n@PSF.main\ndef flow(x):\n    return get(x)\n"
    (d,) = errors_of(source)
    assert d.message == "'get' is an 'async def': a callee must be a plain function"


@pytest.mark.parametrize("cause, message", [
    ("'text'", "'from 'text'': the cause of a raise must be an exception"),
    ("work(x)", "'from work(x)': the cause of a raise must be an exception"),
])
def test_a_raise_from_something_that_is_not_an_exception_is_refused(cause, message):
    source = ("import pysfn as PSF\n\ndef work(x):\n    return x\n\n@PSF.main\ndef flow(x):\n"
              f"    raise ValueError('m') from {cause}\n")
    (d,) = errors_of(source)
    assert d.message == message


def test_computed_constants_that_are_not_constant_are_not_inlined():
    source = ("import pysfn as PSF\n\ndef f():\n    return 1\n\nA = f()\nB = 2 ** 100000\nC = 1\nC += 1\n"
              "D = len('abc') * 2\n\n@PSF.main\ndef flow(x):\n    a = A\n    b = B\n    c = C\n    return D\n")
    lines = [(d.loc.line, d.message) for d in errors_of(source)]
    assert lines == [(14, "name 'A' is not defined in the workflow"), (15, "name 'B' is not defined in the workflow"),
                     (16, "name 'C' is not defined in the workflow")]
