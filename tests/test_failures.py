"""pysfn.failures: a failed execution's Error and Cause back to the exception CPython raised.

The end-to-end cases run in tests/test_pytest_plugin.py (a user's project in both modes); these
are the rules one by one, fallbacks included."""

from __future__ import annotations

import json
import sys
import types

import pytest

import pysfn as PSF
from pysfn.failures import RECORD_KEY, exception_for
from pysfn.runner import LocalWorkflow


def cause(message, error, record=None):
    payload = {"errorMessage": message, "errorType": error}
    if record is not None:
        payload[RECORD_KEY] = record
    return json.dumps(payload)


@pytest.fixture
def module(monkeypatch):
    mod = types.ModuleType("flow_for_failures")

    class Quota(Exception):
        def __init__(self, user, limit):
            super().__init__(f"{user} over {limit}")
            self.user, self.limit = user, limit

    class Local(Exception):
        pass
    Quota.__module__ = Local.__module__ = mod.__name__
    mod.Quota, mod.CorruptDocument = Quota, type("CorruptDocument", (Exception,), {"__module__": mod.__name__})
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    return mod


def test_a_record_rebuilds_class_args_and_attributes(module):
    record = {"module": module.__name__, "class": "Quota", "args": ["ann over 3"], "attributes": {"user": "ann", "limit": 3}}
    exc = exception_for("Quota", cause("ann over 3", "Quota", record), module)
    assert type(exc) is module.Quota and exc.args == ("ann over 3",) and (exc.user, exc.limit) == ("ann", 3)


@pytest.mark.parametrize("key", ["k", "", "Straße", "👍", 0, 2**53 + 1, None, True])
def test_builtin_key_errors_keep_their_key(key):
    message = str(KeyError(key))
    exc = exception_for("KeyError", cause(message, "KeyError", {"module": "builtins", "class": "KeyError",
                                                                 "args": [key]}))
    assert type(exc) is KeyError and exc.args == (key,) and str(exc) == message
    by_name = exception_for("KeyError", cause(message, "KeyError"))  # no record: the key read back from str()
    assert by_name.args == (key,) and str(by_name) == message


@pytest.mark.parametrize("record, why", [
    ({"module": "not_imported_anywhere", "class": "X", "args": []}, "is not imported in this process"),
    ({"module": "builtins", "class": "NoSuchError", "args": []}, "is not an exception class of this process"),
    ({"module": "builtins", "class": "ValueError"}, "are not JSON"),
    ({"module": "builtins", "class": "ValueError", "args": ["other"]}, "str() of the rebuilt builtins.ValueError"),
])
def test_a_class_that_cannot_be_rebuilt_is_a_fail_that_says_why(record, why):
    exc = exception_for("Boom", cause("msg", "Boom", record))
    assert type(exc) is PSF.Fail and (exc.error, exc.cause) == ("Boom", "msg")
    if sys.version_info >= (3, 11):
        assert why in exc.__notes__[0] and "raised as PSF.Fail" in exc.__notes__[0]


def test_the_machines_own_raise_decides_between_psf_fail_and_a_class(module):
    assert type(exception_for("CorruptDocument", "bad", module, raised_as="Fail")) is PSF.Fail
    assert type(exception_for("CorruptDocument", "bad", module)) is module.CorruptDocument  # by name: legacy
    empty = exception_for("ValueError", None, module, raised_as="ValueError")
    assert type(empty) is ValueError and empty.args == ()
    fail = exception_for("X", None, module, raised_as="Fail")
    assert fail.args == ("X", "") and fail.cause == ""


def test_a_class_whose_constructor_refuses_the_message_is_a_fail_with_a_note(module):
    exc = exception_for("Quota", "ann over 3", module)  # no record (a deployed Cause): by name only
    assert type(exc) is PSF.Fail and exc.cause == "ann over 3"


def test_unpicklable_values_do_not_break_the_dispatcher(tmp_path):
    (tmp_path / "flow_odd.py").write_text(
        "import pysfn as PSF\n\nclass Odd(Exception):\n    pass\n\n"
        "def odd(x):\n    e = Odd(object(), (1, 2))\n    e.when = object()\n    raise e\n\n"
        "@PSF.main\ndef flow(x):\n    return odd(x)\n")
    workflow = LocalWorkflow.from_source(tmp_path / "flow_odd.py")
    result = workflow.run({"x": 1})
    record = json.loads(result.cause)[RECORD_KEY]
    assert record == {"module": "flow_odd", "class": "Odd"}  # no args, no attributes: they are not JSON
    with pytest.raises(PSF.Fail) as info:
        workflow.call(x=1)
    assert info.value.error == "Odd"
