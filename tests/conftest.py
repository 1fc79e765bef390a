"""Shared pytest configuration for tests/.

Keep this file small: helpers live in their own modules (``tests/oracle.py``,
``tests/differential.py``, ``tests/lambda_worker.py``); only fixtures shared by several test
modules are defined here.
"""

import pytest

# tests/fixtures holds user-style projects with their own tests, run in subprocesses by
# tests/test_pytest_plugin.py (one of them must fail to compile): not tests of this suite.
collect_ignore = ["fixtures"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: runs state machines in the independent oracle (moto's ASL interpreter)")


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
