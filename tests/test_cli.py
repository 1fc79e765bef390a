"""The command line: pysfn compile/package/validate and the python -m tools."""

import json
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

import pysfn.compiler as compiler
from pysfn.cli import cli
from differential import EXAMPLES

SOURCE = str(EXAMPLES / "analyse_text.py")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("compile", "package", "validate"):
        assert command in result.output


def test_compile_writes_json_to_a_file(tmp_path):
    out = tmp_path / "m.json"
    result = run("compile", SOURCE, "-o", str(out))
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    # the example's first state is its first Task, which checks the input itself (optimize/input_check.py)
    assert written["StartAt"] == "get_summary_L50" and "Arguments" in written["States"]


def test_compile_with_entry_option(tmp_path):
    path = tmp_path / "two.py"
    path.write_text("import pysfn as PSF\n\ndef a():\n    return 1\n\ndef b(x=1):\n    return {'x': x}\n")
    result = run("compile", str(path), "--entry", "b")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Comment"].startswith("b (two.py:6)")


def test_unwritable_output_is_one_line(tmp_path):
    result = run("compile", SOURCE, "-o", str(tmp_path / "missing-dir" / "m.json"))
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot write ") and "Traceback" not in result.output


def test_package_writes_a_deterministic_zip(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert run("package", SOURCE, str(first)).exit_code == 0
    subprocess.run([sys.executable, "-m", "pysfn.tools.gen_lambda", SOURCE, str(second)], check=True,
                   capture_output=True)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(zipfile.ZipFile(first).namelist()) == [
        "analyse_text.py", "handler.py", "pysfn/__init__.py", "pysfn/aws.py", "pysfn/contract.py", "pysfn/runtime.py"]


def test_package_unwritable_zip(tmp_path):
    result = run("package", SOURCE, str(tmp_path / "nope" / "x.zip"))
    assert result.exit_code == 1 and result.output.startswith("error: cannot write")


def test_validate_accepts_compiled_and_rejects_broken(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(run("compile", SOURCE).output)
    assert run("validate", str(good)).exit_code == 0
    broken = json.loads(good.read_text())
    broken["States"]["If_L55"]["Default"] = "Nowhere"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert "States.If_L55.Default: 'Nowhere' is not a state of this machine" in result.output
    (tmp_path / "text.json").write_text("not json")
    assert run("validate", str(tmp_path / "text.json")).exit_code == 1


def test_invalid_generated_asl_is_an_internal_error(monkeypatch):
    """If the compiler ever emitted invalid ASL, the validator stops it: exit 70, no output."""
    def broken(definition):
        definition["States"]["Arguments"]["Default"] = "Missing"
        return definition
    import pysfn.compiler.passes as passes
    monkeypatch.setattr(passes, "optimise", broken)
    with pytest.raises(compiler.InternalCompilerError, match="this is a bug in pysfn"):
        compiler.compile_file(SOURCE)
    result = run("compile", SOURCE)
    assert result.exit_code == 70
    assert result.output.startswith("internal error: pysfn generated invalid ASL")
