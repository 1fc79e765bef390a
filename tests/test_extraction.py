"""Extraction: what the state machine cannot evaluate exactly runs in the dispatcher Lambda.

The differential workflow tests/workflows/wf_extraction.py checks the results; here, the
shape of what is generated, --explain and --strict.
"""

import json
import textwrap

import pytest
from click.testing import CliRunner

from pysfn.cli import cli
from pysfn.compiler import CompileError, compile_source

SOURCE = textwrap.dedent('''\
    import math
    import pysfn as PSF

    def work(v):
        return v

    @PSF.main
    def flow(n=2, xs=[]):
        root = math.sqrt(n)
        if n > 1:
            kind = "big"
        elif math.isclose(root, 1.0):
            kind = "one"
        else:
            kind = "small"
        out = work(math.floor(root))
        xs.append(math.ceil(root))
        return {"root": root, "kind": kind, "out": out, "xs": xs}
    ''')


def test_extracted_code_is_a_generated_module_of_the_package():
    result = compile_source(SOURCE, "flow.py")
    assert [e.expression for e in result.extractions] == [
        "math.sqrt(n)", "bool(math.isclose(root, 1.0))", "math.floor(root)", "math.ceil(root)"]
    assert [e.params for e in result.extractions] == [("n",), ("root",), ("root",), ("root",)]
    assert "from flow import math" in result.extracted_source
    assert "pysfn_extracted_flow.L9_1" in result.callees and "work" in result.callees
    namespace = {}
    exec(compile(result.extracted_source.replace("from flow import math", "import math"), "gen", "exec"),
         namespace)
    assert namespace["L9_1"](4) == 2.0


def test_an_elif_test_is_computed_only_when_reached():
    states = compile_source(SOURCE, "flow.py").definition["States"]
    first_if = next(s for name, s in states.items() if name.startswith("If_L10"))
    # the first test stays in the Choice; the elif became an If of its own behind a Task
    assert len(first_if["Choices"]) == 1
    assert states[first_if["Default"]]["Type"] == "Task"


def test_the_callee_call_keeps_its_own_task():
    states = compile_source(SOURCE, "flow.py").definition["States"]
    assert any(s.get("Arguments", {}).get("Payload", {}).get("callee") == "work" for s in states.values())


def test_strict_refuses_extraction_at_the_line():
    with pytest.raises(CompileError) as info:
        compile_source(SOURCE, "flow.py", strict=True)
    # every extraction of the file is reported, in order (issue 13: all errors in one run)
    diags = info.value.diagnostics
    assert [(d.loc.line, d.loc.col) for d in diags] == [(9, 12), (12, 10), (16, 16), (17, 15)]
    assert all("--strict forbids that" in d.message for d in diags)


def test_a_change_in_place_inside_extracted_code_is_refused():
    source = SOURCE.replace("root = math.sqrt(n)", "root = math.sqrt(xs.pop())")
    with pytest.raises(CompileError, match="would change 'xs' in code that runs in the dispatcher Lambda"):
        compile_source(source, "flow.py")


def test_cli_explain_and_strict(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(SOURCE)
    runner = CliRunner()
    explained = runner.invoke(cli, ["compile", str(path), "--explain"])
    assert explained.exit_code == 0, explained.output
    # the workflow appends to its default `xs=[]`: that warning goes to stderr
    assert "warning: the default [] of 'xs' is changed in place" in explained.stderr
    lines = explained.stdout.splitlines()
    assert lines[0].startswith("flow.py: flow() -- 4 line(s) run in Lambda (4 extracted)")
    # (11: the first Task checks the input itself, with Arguments_checked to re-raise its own error)
    assert lines[1].startswith("cost: 11 states; transitions per execution: ")
    by_line = {int(line.split()[0]): line for line in lines[2:] if line.strip()}
    assert "Lambda  extracted: 'math.sqrt(...)'" in by_line[9]
    assert by_line[11].endswith("ASL")
    assert "calls work" in by_line[16] and "extracted" in by_line[16]
    with_file = runner.invoke(cli, ["compile", str(path), "--explain", "-o", str(tmp_path / "m.json")])
    assert with_file.exit_code == 0 and json.loads((tmp_path / "m.json").read_text())["StartAt"]
    strict = runner.invoke(cli, ["compile", str(path), "--strict"])
    assert strict.exit_code == 1
    assert strict.output.startswith(f"{path}:9:12: error: ")


NARROWED = textwrap.dedent('''\
    import math
    import pysfn as PSF

    @PSF.main
    def flow(xs, n=2, d=None):
        total = len(xs)
        return {"xs": xs, "total": total, "root": math.sqrt(n), "rest": [xs, n]}
    ''')


@pytest.mark.parametrize("source, expressions", [
    # in a literal dict or list, only the item the machine cannot compute goes to the Lambda
    (NARROWED, ["math.sqrt(n)"]),
    (NARROWED.replace('"root": math.sqrt(n)', '"root": n').replace("[xs, n]", "[xs, math.floor(n)]"),
     ["math.floor(n)"]),  # (in a list in the dict)
    # an item before it that can fail (d["k"]: KeyError) would fail after it: the whole is extracted
    (NARROWED.replace('"xs": xs,', '"xs": d["k"],'),
     ["{'xs': d['k'], 'total': total, 'root': math.sqrt(n), 'rest': [xs, n]}"]),
    # another item the machine cannot compute either: one Lambda call for both, as before
    (NARROWED.replace('"total": total,', '"total": math.log(n),'),
     ["{'xs': xs, 'total': math.log(n), 'root': math.sqrt(n), 'rest': [xs, n]}"]),
])
def test_only_the_item_is_extracted_from_a_literal(source, expressions):
    result = compile_source(source, "flow.py")
    assert [e.expression for e in result.extractions] == expressions
