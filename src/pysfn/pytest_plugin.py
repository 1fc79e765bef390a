"""pytest in both modes: ``pytest --pysfn-compiled`` runs every ``@PSF.main`` call as a machine.

With the option, every entry function decorated with ``@PSF.main`` in a module imported during
the test run is wrapped: the module is compiled when it is imported, and a call runs the
compiled machine in pysfn's local interpreter with the call's arguments as the execution
input, returning the machine's output or raising the exception the native call would have
raised (same class, ``args``, ``str()``; ``pysfn.failures`` says how) — so an existing test
suite becomes a suite of the compiled machine, unchanged. Callees are looked up on the module
at call time, so ``monkeypatch.setattr(flow, "charge", fake)`` stubs them in both modes.

A module that does not compile is reported once, as the compiler's diagnostic (FILE:LINE:COL,
the line, a caret, a hint) under a ``pysfn:`` header, never as a traceback through pysfn.

Without the option nothing changes. The ``pysfn_workflow`` fixture gives explicit access in
either mode: ``pysfn_workflow("flow.py").run({"order_id": 1})`` returns the execution result
with its record (path, transitions, ``lambda_calls``, cost); a relative path is looked up next
to the test file first, then in the working directory.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
from pathlib import Path

import pytest

import pysfn.runtime as runtime


class WorkflowDoesNotCompile(Exception):
    """A workflow module's compile errors: the diagnostic under a ``pysfn:`` header, which the
    hooks below show as it is, never as a traceback."""

    def __init__(self, source, text: str, why: str = "does not compile (--pysfn-compiled runs the compiled machine)"):
        self.source = source
        self.report = f"pysfn: {source} {why}:\n\n{text}"
        super().__init__(self.report)

    def repeated(self) -> "WorkflowDoesNotCompile":
        again = WorkflowDoesNotCompile(self.source, "")
        again.report = f"pysfn: {self.source} does not compile (its diagnostic is reported above)"
        again.args = (again.report,)
        return again


# Compile failures met while modules were imported, in order, and the ones already shown: each
# is reported once, by whatever imported the module (a test module's collection, a test, the
# conftest files before the session starts).
_failed: list[WorkflowDoesNotCompile] = []
_shown: set[str] = set()


def _compile(source, entry: str | None):
    """The CompileResult, or a WorkflowDoesNotCompile (not raised: returned)."""
    from pysfn.compiler import CompileError, compile_file
    try:
        return compile_file(source, entry=entry)
    except CompileError as e:
        return WorkflowDoesNotCompile(_display_path(source), _render(e.diagnostics, source))


def _render(diagnostics, source) -> str:
    """The diagnostics as the compiler prints them, with the path as the user would type it."""
    shown = _display_path(source)
    return "\n".join((dataclasses.replace(d, loc=dataclasses.replace(d.loc, file=shown))
                      if d.loc.file == str(source) else d).render() for d in diagnostics)


def _display_path(source) -> str:
    """The path as a user would type it: relative to the working directory when under it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(source)


def _to_show(failure: WorkflowDoesNotCompile) -> WorkflowDoesNotCompile:
    key = str(Path(failure.source).resolve())
    if key in _shown:
        return failure.repeated()
    _shown.add(key)
    return failure


class PysfnCompileWarning(UserWarning):
    """A compiler warning (a loop without a visible bound, a value growing in a loop), shown in
    pytest's warnings summary at the workflow's line; ``-W error::pysfn.pytest_plugin.PysfnCompileWarning``
    makes it fail the run."""


def _warn(compiled) -> None:
    import warnings
    for diagnostic in compiled.warnings:
        text = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
        warnings.warn_explicit(text, PysfnCompileWarning, str(compiled.source_path), diagnostic.loc.line,
                               module=compiled.module_name)


def pytest_addoption(parser):
    group = parser.getgroup("pysfn")
    group.addoption("--pysfn-compiled", action="store_true", default=False,
                    help="run calls of @PSF.main functions as compiled state machines (pysfn's local interpreter)")


def _compiled_entry(fn):
    """Wrap an entry so that calling it runs its compiled machine (compiled now, at import)."""
    from pysfn.runner import LocalWorkflow
    signature = inspect.signature(fn)
    source = Path(inspect.getsourcefile(fn))
    compiled = _compile(source, fn.__name__)
    if isinstance(compiled, WorkflowDoesNotCompile):
        _failed.append(compiled)  # reported by the hooks; importing the module still works
    else:
        try:
            _warn(compiled)
        except PysfnCompileWarning:  # -W error::...PysfnCompileWarning: the diagnostics, not a traceback
            compiled = WorkflowDoesNotCompile(
                _display_path(source), _render(compiled.warnings, source),
                "has compiler warnings, and warnings are errors here (-W error)")
            _failed.append(compiled)
    workflows = {}

    @functools.wraps(fn)
    def run_compiled(*args, **kwargs):
        __tracebackhide__ = True  # pytest shows the test's line, not this wrapper's
        if isinstance(compiled, WorkflowDoesNotCompile):
            raise _to_show(compiled)
        arguments = signature.bind(*args, **kwargs).arguments  # a TypeError, as calling fn would give
        if "workflow" not in workflows:  # the module is complete now: its callees exist
            workflows["workflow"] = LocalWorkflow.from_compiled(compiled, sys.modules.get(fn.__module__))
        workflow = workflows["workflow"]
        result = workflow.run(dict(arguments))
        if result.status == "SUCCEEDED":
            return result.output
        raise workflow.exception(result)
    run_compiled.__pysfn_compiled__ = True
    return run_compiled


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before any conftest.py is imported: a conftest that imports a workflow module at its top
    level (for a fixture that monkeypatches it) must see the compiled entry too."""
    if getattr(early_config.known_args_namespace, "pysfn_compiled", False):
        runtime._main_hook = _compiled_entry


def pytest_configure(config):
    config.addinivalue_line("markers", "pysfn: tests of pysfn workflows")
    if config.getoption("--pysfn-compiled"):
        runtime._main_hook = _compiled_entry


def pytest_unconfigure(config):
    runtime._main_hook = None


def pytest_report_header(config):
    if config.getoption("--pysfn-compiled"):
        return "pysfn: @PSF.main calls run the compiled state machine (local interpreter)"
    return None


def pytest_sessionstart(session):
    """A workflow imported by a conftest.py that does not compile: the run cannot be meaningful
    (as when a conftest fails to import): a usage error showing the diagnostic alone."""
    if _failed:
        raise pytest.UsageError("\n\n".join(_to_show(f).report for f in _failed))


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A test module whose import compiled a broken workflow: one collection error, the diagnostic."""
    before = len(_failed)
    outcome = yield
    report = outcome.get_result()
    new = _failed[before:]
    if new and report.passed:
        report.outcome = "failed"
        report.longrepr = _longrepr([_to_show(f) for f in new])
        report.result = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, WorkflowDoesNotCompile):
        outcome.get_result().longrepr = _longrepr([call.excinfo.value])


def _longrepr(failures: list[WorkflowDoesNotCompile]):
    """What pytest shows for the failures: their reports, as they are, in the failure's section;
    and only each report's first line in the short test summary — pytest prints a plain-text
    longrepr whole there under CI (the ``CI`` variable set) or ``-vv``, which would show the
    diagnostic twice. pytest's own repr classes, so pytest-xdist carries it from its workers."""
    from _pytest._code.code import ReprEntryNative, ReprExceptionInfo, ReprFileLocation, ReprTraceback
    text = "\n\n".join(f.report for f in failures)
    headline = "; ".join(f.report.splitlines()[0].rstrip(":") for f in failures)
    return ReprExceptionInfo(
        reprtraceback=ReprTraceback([ReprEntryNative([text + "\n"])], None, "native"),
        reprcrash=ReprFileLocation(str(failures[0].source), 0, headline))


def resolve_workflow_path(path, test_file: Path | None) -> Path:
    """``path`` as given when absolute; else next to the test file, then in the working directory."""
    path = Path(path)
    if path.is_absolute():
        return path
    candidates = ([test_file.parent / path] if test_file is not None else []) + [Path.cwd() / path]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]  # the compiler says "no such file" for it


@pytest.fixture
def pysfn_workflow(request):
    """``pysfn_workflow(source_path, entry=None)`` -> a compiled workflow to ``run`` or ``call``.

    A relative ``source_path`` is looked up next to the test file first, then in the working
    directory."""
    from pysfn.runner import LocalWorkflow
    test_file = Path(str(request.node.fspath)) if getattr(request.node, "fspath", None) else None

    def make(source_path, entry: str | None = None) -> LocalWorkflow:
        compiled = _compile(resolve_workflow_path(source_path, test_file), entry)
        if isinstance(compiled, WorkflowDoesNotCompile):
            raise _to_show(compiled)
        return LocalWorkflow.from_compiled(compiled)
    return make


@pytest.fixture
def pysfn_callbacks():
    """``pysfn_callbacks.respond(callee, handler)``: how ``PSF.wait_for_callback(callee, ...)`` is
    answered in this test (natively and in ``--pysfn-compiled``/``pysfn_workflow`` runs); every
    responder is forgotten when the test ends."""
    from pysfn import callbacks
    callbacks.clear()
    yield callbacks
    callbacks.clear()
