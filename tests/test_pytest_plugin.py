"""The pytest plugin with a user's project (tests/fixtures/ingest_project): its own tests, unchanged,
pass natively and with --pysfn-compiled — exception classes, args, str(), PSF.Fail fields,
monkeypatched callees, the execution record — and a workflow that does not compile is one
diagnostic, once, never a traceback through pysfn."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DIAGNOSTIC = "flow.py:15:21: error: 'entry' is stored here as it is, and it is changed in place at line 16"


def pytest_run(args, cwd, on_ci: bool | None = None):
    """pytest in a subprocess; ``on_ci``: with the ``CI`` variable set (pytest then prints every
    failure's whole message in the short summary) or unset, else as this run has it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if on_ci is not None:
        env.pop("CI", None)
        env.pop("BUILD_NUMBER", None)
        if on_ci:
            env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.mark.parametrize("flags", [[], ["--pysfn-compiled"]], ids=["native", "compiled"])
def test_the_users_suite_passes_in_both_modes(flags, tmp_path):
    # run from elsewhere: pysfn_workflow("ingest.py") is found next to the test file
    proc = pytest_run([str(FIXTURES / "ingest_project"), *flags], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b10 passed\b", proc.stdout), proc.stdout


def _assert_only_the_diagnostic(text: str):
    assert "Traceback" not in text and "pysfn/compiler" not in text and "_pytest" not in text, text
    assert text.count(DIAGNOSTIC) == 1, text
    assert "\n            seen.append(entry)\n" + " " * 24 + "^~~~~\n" in text
    assert "hint: work on a copy: entry = list(entry) or dict(entry) before changing it" in text


# pytest shows a failure's message whole in the short summary under CI or -vv, trimmed otherwise:
# the diagnostic must still be shown once.
SUMMARY_MODES = pytest.mark.parametrize("on_ci, verbosity", [(False, []), (True, []), (False, ["-vv"])],
                                        ids=["terminal", "ci", "very-verbose"])


@SUMMARY_MODES
def test_a_compile_error_is_one_diagnostic_as_a_collection_error(on_ci, verbosity):
    project = FIXTURES / "broken_project"
    native = pytest_run([], cwd=project)
    assert native.returncode == 0 and "5 passed" in native.stdout, native.stdout
    proc = pytest_run(["--pysfn-compiled", *verbosity], cwd=project, on_ci=on_ci)
    assert proc.returncode == 2, proc.stdout  # pytest's "errors during collection"
    assert "ERROR collecting test_flow.py" in proc.stdout
    assert "pysfn: flow.py does not compile (--pysfn-compiled runs the compiled machine):" in proc.stdout
    _assert_only_the_diagnostic(proc.stdout + proc.stderr)


@SUMMARY_MODES
def test_a_compile_error_met_inside_tests_is_shown_once(on_ci, verbosity):
    proc = pytest_run(["--pysfn-compiled", "test_lazy.py", *verbosity], cwd=FIXTURES / "broken_project",
                      on_ci=on_ci)
    assert proc.returncode == 1 and "2 failed" in proc.stdout, proc.stdout
    _assert_only_the_diagnostic(proc.stdout)
    assert "pysfn: flow.py does not compile (its diagnostic is reported above)" in proc.stdout


def test_a_compile_error_in_a_workflow_a_conftest_imports(tmp_path):
    for name in ("flow.py", "test_flow.py"):
        (tmp_path / name).write_text((FIXTURES / "broken_project" / name).read_text())
    (tmp_path / "conftest.py").write_text("import flow\n")
    proc = pytest_run(["--pysfn-compiled"], cwd=tmp_path, on_ci=True)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # a usage error, as for a broken conftest
    assert "ERROR: pysfn: flow.py does not compile" in proc.stderr
    _assert_only_the_diagnostic(proc.stdout + proc.stderr)


def test_a_conftest_import_sees_the_compiled_entry(tmp_path):
    (tmp_path / "flow.py").write_text(textwrap.dedent("""
        import pysfn as PSF

        def double(x):
            return 2 * x

        @PSF.main
        def flow(x):
            return double(x)
    """))
    (tmp_path / "conftest.py").write_text("import flow\n")
    (tmp_path / "test_flow.py").write_text(textwrap.dedent("""
        import flow

        def test_mode(request):
            assert flow.flow(4) == 8
            assert getattr(flow.flow, "__pysfn_compiled__", False) == request.config.getoption("--pysfn-compiled")
    """))
    for flags in ([], ["--pysfn-compiled"]):
        proc = pytest_run(flags, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_fixture_resolves_paths_next_to_the_test_then_in_the_cwd(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "flows" / "flow.py").write_text("import pysfn as PSF\n\n@PSF.main\ndef flow(x):\n    return x\n")
    (tmp_path / "tests" / "here.py").write_text("import pysfn as PSF\n\n@PSF.main\ndef here(y):\n    return [y]\n")
    (tmp_path / "tests" / "test_paths.py").write_text(textwrap.dedent("""
        import pytest

        def test_next_to_the_test(pysfn_workflow):
            assert pysfn_workflow("here.py").call(y=1) == [1]

        def test_in_the_cwd(pysfn_workflow):
            assert pysfn_workflow("flows/flow.py").call(x=2) == 2

        def test_missing(pysfn_workflow):
            with pytest.raises(Exception, match="nowhere.py:1:1: error: no such file"):
                pysfn_workflow("nowhere.py")
    """))
    proc = pytest_run(["tests"], cwd=tmp_path)
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout + proc.stderr


def test_a_workflow_in_a_package_is_served_from_the_module_the_test_imported(tmp_path):
    """`import pkg.flow`: the handler must use that very module (monkeypatch, exception classes)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "flow.py").write_text(textwrap.dedent("""
        import pysfn as PSF

        class Oops(Exception):
            pass

        def work(x):
            if x < 0:
                raise Oops("negative", x)
            return x + 1

        @PSF.main
        def flow(x):
            return work(x)
    """))
    (tmp_path / "test_pkg.py").write_text(textwrap.dedent("""
        import pytest
        import pkg.flow
        from pkg.flow import Oops, flow

        def test_patched(monkeypatch):
            monkeypatch.setattr(pkg.flow, "work", lambda x: 100)
            assert flow(1) == 100

        def test_plain():
            assert flow(1) == 2

        def test_the_class_of_the_package_module():
            with pytest.raises(Oops) as info:
                flow(-1)
            assert type(info.value) is Oops and info.value.args == ("negative", -1)
    """))
    for flags in ([], ["--pysfn-compiled"]):
        proc = pytest_run(flags, cwd=tmp_path)
        assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout + proc.stderr


def test_compiler_warnings_are_pytest_warnings_at_the_workflows_line(tmp_path):
    (tmp_path / "grow.py").write_text("import pysfn as PSF\n\n@PSF.main\ndef grow(items):\n    s = ''\n"
                                      "    for i in items:\n        s += i\n    return s\n")
    (tmp_path / "test_grow.py").write_text("from grow import grow\n\ndef test_it():\n    assert grow(['a', 'b']) == 'ab'\n")
    compiled = pytest_run(["--pysfn-compiled"], cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stdout
    assert "grow.py:7: PysfnCompileWarning: 's' grows on every iteration of the loop at line 6" in compiled.stdout
    strict = pytest_run(["--pysfn-compiled", "-W", "error::pysfn.pytest_plugin.PysfnCompileWarning"], cwd=tmp_path)
    assert strict.returncode == 2 and "Traceback" not in strict.stdout and "pysfn/" not in strict.stdout
    assert "pysfn: grow.py has compiler warnings, and warnings are errors here (-W error):" in strict.stdout
    assert "grow.py:7:9: warning: 's' grows on every iteration of the loop at line 6" in strict.stdout
    native = pytest_run([], cwd=tmp_path)
    assert native.returncode == 0 and "PysfnCompileWarning" not in native.stdout
