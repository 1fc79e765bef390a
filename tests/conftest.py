"""Shared pytest configuration for tests/.

Keep this file small: helpers live in their own modules (``tests/oracle.py``,
``tests/differential.py``, ``tests/lambda_worker.py``); only fixtures shared by several test
modules are defined here.
"""

import os

import pytest

# tests/fixtures holds user-style projects with their own tests, run in subprocesses by
# tests/test_pytest_plugin.py (one of them must fail to compile): not tests of this suite.
collect_ignore = ["fixtures"]


def pytest_addoption(parser):
    parser.addoption(
        "--oracle-jsonata", choices=("python", "js"), default=None,
        help="the oracle's JSONata engine: jsonata-python (default) or the reference implementation "
             "(npm jsonata 2.0.6 in a Node worker); also PYSFN_ORACLE_JSONATA")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: runs state machines in the independent oracle (moto's ASL interpreter)")
    engine = config.getoption("--oracle-jsonata")
    if engine:
        os.environ["PYSFN_ORACLE_JSONATA"] = engine  # read when tests/oracle.py is imported
        import sys
        if "oracle" in sys.modules:
            sys.modules["oracle"].use_engine(engine)


def pytest_report_header(config):
    return f"oracle JSONata engine: {os.environ.get('PYSFN_ORACLE_JSONATA') or 'python'}"


@pytest.fixture(scope="session")
def compiled_workflow(tmp_path_factory):
    """``compiled_workflow(path)``: the workflow compiled, packaged and served by a clean worker.

    One per workflow file for the whole session (packaging and starting a worker cost ~50 ms).
    """
    from differential import compile_and_package
    cache = {}

    def get(path):
        if path not in cache:
            cache[path] = compile_and_package(path, tmp_path_factory.mktemp(path.stem))
        return cache[path]
    yield get
    for workflow in cache.values():
        workflow.worker.close()
