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
        "analyse_text.py", "handler.py", "pysfn/__init__.py", "pysfn/aws.py", "pysfn/callbacks.py", "pysfn/contract.py",
        "pysfn/runtime.py"]


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


# --------------------------------------------------------------------------- issue 17: habits

CHATTY = """import pysfn as PSF

print("importing the module")

def work(n):
    print("working on", n)
    return n * 2

@PSF.main
def flow(n):
    doubled = work(n)
    noted = print("extracted code prints too") or doubled
    return {"n": noted}
"""

GROWING = """import pysfn as PSF

PAGES = ["a", "b", "c"]

def count(page):
    return len(page)

@PSF.main
def flow(items, text: str = ""):
    total_words = 0
    seen = []
    for item in items:
        n = count(item)
        total_words += n
        text += item
    for page in PAGES:
        seen.append(page)
    for item in items[:20]:
        seen.append(item)
    return {"total": total_words, "text": text, "seen": seen}
"""


def test_stdout_holds_the_result_alone(tmp_path):
    """print() in the module, a callee or extracted code goes to stderr: `pysfn run ... | jq` works."""
    (tmp_path / "chatty.py").write_text(CHATTY)
    for argv in (["run", "chatty.py", "--input", '{"n": 2}'],):
        proc = subprocess.run([sys.executable, "-m", "pysfn", *argv], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == '{"n": 4}\n'
        assert "importing the module" in proc.stderr and "working on 2" in proc.stderr
        assert "extracted code prints too" in proc.stderr
    graph = subprocess.run([sys.executable, "-m", "pysfn", "graph", "chatty.py", "--input", '{"n": 2}'],
                           capture_output=True, text=True, cwd=tmp_path)
    assert graph.returncode == 0 and graph.stdout.startswith("flowchart TD\n") and "working on 2" in graph.stderr


def test_only_values_that_really_grow_are_warned_about(tmp_path):
    (tmp_path / "growing.py").write_text(GROWING)
    result = compiler.compile_file(tmp_path / "growing.py")
    warned = [w.message.split("'")[1] for w in result.warnings if "grows" in w.message]
    assert warned == ["text"]  # not the int total, not the lists bounded by PAGES and items[:20]


@pytest.mark.parametrize("argv, status, warns", [
    (["compile", "growing.py"], 0, True),
    (["compile", "growing.py", "--no-warnings"], 0, False),
    (["-W", "ignore", "compile", "growing.py"], 0, False),
    (["--no-warnings", "compile", "growing.py"], 0, False),
    (["-W", "error", "compile", "growing.py"], 1, True),
    (["template", "growing.py"], 0, True),
    (["-W", "ignore", "template", "growing.py"], 0, False),
    (["package", "growing.py", "-o", "g.zip"], 0, True),
    (["run", "growing.py", "--input", '{"items": ["x"]}'], 0, True),
    (["run", "growing.py", "--input", '{"items": ["x"]}', "--no-warnings"], 0, False),
    (["graph", "growing.py"], 0, True),
])
def test_every_compiling_command_warns_the_same_way(tmp_path, monkeypatch, argv, status, warns):
    # a module name of its own: `run` imports the module, and one process imports one 'growing'
    name = f"growing_{abs(hash(tuple(argv))) % 10**8}"
    (tmp_path / f"{name}.py").write_text(GROWING)
    monkeypatch.chdir(tmp_path)
    result = run(*[f"{name}.py" if a == "growing.py" else a for a in argv])
    assert result.exit_code == status, result.output
    assert (f"{name}.py:15:9: warning: 'text' grows on every iteration" in result.stderr) == warns, result.stderr
    if status == 1:
        assert result.stderr.splitlines()[-1] == "error: 1 warning(s) treated as errors (-W error)"
        assert result.stdout == ""


@pytest.mark.parametrize("how", ["@in.json", "file://in.json", "-"])
def test_input_from_a_file_or_stdin(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    big = {"text": "a " + "b" * 120_000}  # over Linux's 128 KiB per argument: no command line takes it
    (tmp_path / "in.json").write_text(json.dumps(big))
    result = CliRunner().invoke(cli, ["run", SOURCE, "--input", how], input=json.dumps(big))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["words"] == 2
    graph = CliRunner().invoke(cli, ["graph", SOURCE, "--input", how], input=json.dumps(big))
    assert graph.exit_code == 0 and "path of the execution (SUCCEEDED)" in graph.stderr


def test_run_without_source_or_definition_is_a_usage_error():
    result = run("run")
    assert result.exit_code == 2
    assert "Error: give a SOURCE to compile, or --definition FILE" in result.stderr


def test_run_a_definition_with_lambda_tasks_and_no_source(tmp_path):
    machine = tmp_path / "m.json"
    assert run("compile", SOURCE, "-o", str(machine)).exit_code == 0
    result = run("run", "--definition", str(machine), "--input", '{"text": "cats"}')
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {machine} calls the Lambda function ${{DispatcherFunctionArn}}, and no SOURCE was given to serve it",
        f"hint: name the workflow module whose callees it calls: pysfn run SOURCE --definition {machine}"]


def test_package_takes_o_like_every_other_command(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    by_option = run("package", SOURCE, "-o", str(first))
    assert by_option.exit_code == 0 and by_option.stderr.startswith(f"wrote {first}: handler.dispatch serving ")
    assert run("package", SOURCE, str(second)).exit_code == 0  # the positional ZIP still works
    assert first.read_bytes() == second.read_bytes()
    assert run("package", SOURCE).exit_code == 2
    assert run("package", SOURCE, str(first), "-o", str(second)).exit_code == 2


@pytest.mark.parametrize("argv, said", [
    (["compile", SOURCE, "-o", "m.json"], "wrote m.json: the state machine of summarise()"),
    (["template", SOURCE, "-o", "t.yaml"], "wrote t.yaml: cloudformation template"),
    (["graph", SOURCE, "-o", "m.mmd"], "wrote m.mmd: Mermaid"),
    (["graph", SOURCE, "--format", "dot", "-o", "m.dot"], "wrote m.dot: Graphviz DOT"),
])
def test_every_output_file_is_announced_on_stderr(tmp_path, monkeypatch, argv, said):
    monkeypatch.chdir(tmp_path)
    result = run(*argv)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.splitlines()[-1] == said


def test_every_command_documents_its_exit_statuses():
    for name, command in cli.commands.items():
        assert "Exit status" in (command.help or ""), name
    top = run("--help").output
    for line in ("0   done", "1   a mistake", "2   a usage error", "3   the execution failed", "4   invoke --timeout",
                 "70  a bug in pysfn", "130 interrupted"):
        assert line in top


def test_trace_shows_each_source_line_once_per_state():
    from pysfn.cli import _trace_line
    assert _trace_line("f.py:3 x = a(); then x = a()") == "f.py:3 x = a()"
    assert _trace_line("f.py:3 x = a(); then y = 1; then y = 1") == "f.py:3 x = a(); then y = 1"
    for path in EXAMPLES.glob("*.py"):
        if path.name.startswith("test_") or path.name == "broken.py":
            continue
        for state in json.loads(run("compile", str(path), "--no-warnings").stdout)["States"].values():
            parts = state.get("Comment", "").split("; then ")
            codes = [parts[0].split(" ", 1)[-1]] + parts[1:]
            assert len(codes) == len(set(codes)), state["Comment"]


def test_the_readme_diagnostic_is_what_examples_broken_py_gives():
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("A mistake is reported at its line, never as a traceback:\n\n```\n", 1)[1].split("```", 1)[0]
    proc = subprocess.run([sys.executable, "-m", "pysfn", "compile", "examples/broken.py"], capture_output=True,
                          text=True, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == block


def test_a_failed_run_prints_the_cause_as_lambda_reports_it(tmp_path):
    (tmp_path / "keys.py").write_text("import pysfn as PSF\n\ndef get(d):\n    return d['k']\n\n"
                                      "@PSF.main\ndef keys(d):\n    return get(d)\n")
    proc = subprocess.run([sys.executable, "-m", "pysfn", "run", "keys.py", "--input", '{"d": {}}'],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 3
    assert proc.stderr == 'execution failed: KeyError: {"errorMessage":"\'k\'","errorType":"KeyError"}\n'
