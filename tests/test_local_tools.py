"""Running compiled machines locally: `pysfn run`, the pytest plugin (--pysfn-compiled), the fixture."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from differential import EXAMPLES

SOURCE = str(EXAMPLES / "analyse_text.py")


def pysfn(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pysfn", *args], capture_output=True, text=True, cwd=cwd)


def test_run_prints_the_output_as_json():
    proc = pysfn("run", SOURCE, "--input", '{"text": "a quick brown fox"}')
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"summary": "A Quick Brown Fox: 4 words, 5 vowels, 3 spaces (via pysfn)",
                                       "style": "long", "words": 4}


def test_run_stats_and_trace():
    proc = pysfn("run", SOURCE, "--input", '{"text": "cats"}', "--stats", "--trace")
    assert proc.returncode == 0, proc.stderr
    assert "transitions: 3  lambda calls: 1" in proc.stderr
    assert "estimated cost: $0.000075 (Standard)" in proc.stderr
    assert "If_L55" in proc.stderr and 'if first == "a" or first == "b":' in proc.stderr


def test_run_failure_exits_3_with_error_and_cause():
    proc = pysfn("run", SOURCE, "--input", '{"text": "dogs"}')
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert proc.stderr.strip() == ("execution failed: UnsupportedText: "
                                   "only texts starting with a, b or c are analysed")


def test_run_rejects_bad_input_json():
    proc = pysfn("run", SOURCE, "--input", "{text")
    assert proc.returncode == 1 and proc.stderr.startswith("error: --input is not JSON")


def test_run_a_definition_from_a_file(tmp_path):
    machine = tmp_path / "m.json"
    assert pysfn("compile", SOURCE, "-o", str(machine)).returncode == 0
    proc = pysfn("run", "--definition", str(machine), SOURCE, "--input", '{"text": "cats"}')
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"summary": "cats", "style": "short"}
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% $states.input.n * 2 %}", "End": True}}}))
    proc = pysfn("run", "--definition", str(plain), "--input", '{"n": 21}')
    assert (proc.returncode, proc.stdout.strip()) == (0, "42")


def test_example_suite_passes_against_the_compiled_machine():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--pysfn-compiled",
                           str(EXAMPLES / "test_analyse_text.py")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "7 passed" in proc.stdout
    assert "pysfn: @PSF.main calls run the compiled state machine" in proc.stdout


def test_plugin_really_runs_the_machine(tmp_path):
    """A documented difference shows which mode ran: a failed subscript."""
    (tmp_path / "flow.py").write_text(textwrap.dedent("""
        import pysfn as PSF

        @PSF.main
        def flow(d):
            return d["missing"]
    """))
    (tmp_path / "test_flow.py").write_text(textwrap.dedent("""
        import pytest
        import pysfn as PSF
        from flow import flow

        def test_modes(request):
            if request.config.getoption("--pysfn-compiled"):
                assert flow.__pysfn_compiled__
                with pytest.raises(PSF.Fail) as info:
                    flow({"present": 1})
                assert info.value.error == "States.QueryEvaluationError"
                assert "KeyError" in info.value.cause
            else:
                with pytest.raises(KeyError):
                    flow({"present": 1})

        def test_fixture(pysfn_workflow):
            result = pysfn_workflow("flow.py").run({"d": {"missing": [1]}})
            assert (result.status, result.output) == ("SUCCEEDED", [1])
            assert result.record.transitions == 2
    """))
    for flags in ([], ["--pysfn-compiled"]):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags],
                              capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "2 passed" in proc.stdout


def test_graph_highlights_the_path_of_a_run():
    proc = pysfn("graph", SOURCE, "--input", '{"text": "cats"}')
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ("path of the execution (SUCCEEDED): "
                                   "get_summary_L50 -> If_L55 -> Return_L69")  # (the first Task checks the input)
    assert "class n_Return_L69 taken" in proc.stdout and "class n_augment_L56 taken" not in proc.stdout


def test_run_reports_a_lambda_task_without_a_dispatcher(tmp_path):
    machine = tmp_path / "m.json"
    assert pysfn("compile", SOURCE, "-o", str(machine)).returncode == 0
    proc = pysfn("run", "--definition", str(machine), "--input", '{"text": "cats"}')
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_run_rejects_an_input_over_256_kib():
    from click.testing import CliRunner
    from pysfn.cli import cli
    result = CliRunner().invoke(cli, ["run", SOURCE, "--input", json.dumps({"text": "a" * 300_000})])
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_run_reports_a_module_that_fails_to_import(tmp_path):
    flow = tmp_path / "flow.py"
    flow.write_text("import pysfn as PSF\n\nraise RuntimeError('no config')\n\n@PSF.main\ndef f():\n    return 1\n")
    proc = pysfn("run", str(flow))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: importing {flow} raised RuntimeError: no config"
