"""pytest in both modes: ``pytest --pysfn-compiled`` runs every ``@PSF.main`` call as a machine.

With the option, every entry function decorated with ``@PSF.main`` in a module imported during
the test run is wrapped: a call compiles the module (once), runs the compiled machine in pysfn's
local interpreter with the call's arguments as the execution input, and returns the machine's
output or raises what the failure maps to (``PSF.Fail``, or the workflow's exception class named
by the error) — so an existing test suite becomes a suite of the compiled machine, unchanged.

Without the option nothing changes. The ``pysfn_workflow`` fixture gives explicit access in
either mode: ``pysfn_workflow("flows/orders.py").run({"order_id": 1})`` returns the execution
result with its record (path, transitions, Lambda calls, cost).
"""

from __future__ import annotations

import functools
import inspect
import sys
from pathlib import Path

import pytest

import pysfn.runtime as runtime


def pytest_addoption(parser):
    group = parser.getgroup("pysfn")
    group.addoption("--pysfn-compiled", action="store_true", default=False,
                    help="run calls of @PSF.main functions as compiled state machines (pysfn's local interpreter)")


def _compiled_entry(fn):
    """Wrap an entry so that calling it runs its compiled machine."""
    from pysfn.runner import LocalWorkflow, exception_for
    signature = inspect.signature(fn)
    source = Path(inspect.getsourcefile(fn))
    workflows = {}

    @functools.wraps(fn)
    def run_compiled(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments  # a TypeError, as calling fn would give
        if "workflow" not in workflows:
            workflows["workflow"] = LocalWorkflow.from_source(source, entry=fn.__name__)
        workflow = workflows["workflow"]
        result = workflow.run(dict(arguments))
        if result.status == "SUCCEEDED":
            return result.output
        raise exception_for(result.error, result.cause, sys.modules.get(fn.__module__))
    run_compiled.__pysfn_compiled__ = True
    return run_compiled


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


@pytest.fixture
def pysfn_workflow():
    """``pysfn_workflow(source_path, entry=None)`` -> a compiled workflow to ``run`` or ``call``."""
    from pysfn.runner import LocalWorkflow
    return LocalWorkflow.from_source
