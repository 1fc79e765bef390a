"""Shared pytest configuration for tests/.

Keep this file minimal: fixtures live in their own modules (e.g. ``tests/oracle.py``,
``tests/differential.py``) and are imported by the tests that use them.
"""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: runs state machines in the independent oracle (moto's ASL interpreter)")
