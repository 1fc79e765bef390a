"""The exception a failed execution stands for, rebuilt in the test process.

``pytest --pysfn-compiled`` promises that a test sees, compiled, the exception it sees natively:
the same class, ``args`` and ``str(e)`` (and ``.error``/``.cause`` for ``PSF.Fail``). A failed
execution only reports an Error name and a Cause, so two sources of truth fill the gap:

* a **callee's** exception: the dispatcher (``handler.dispatch``) notes how to raise it again
  (module, qualified class name, ``args`` and instance attributes when they are JSON, see
  ``_exception_record`` in ``packaging/handler.py.tmpl``); the in-process dispatcher adds that
  note to the Lambda error payload under ``RECORD_KEY``, so it is in the Cause JSON next to
  ``errorMessage``/``errorType`` (where AWS puts ``stackTrace``), and it survives a ``raise``
  again inside the machine, which keeps the Cause;
* the **machine's own** ``raise``: the compiler knows the class of every ``raise`` that became a
  Fail state (``raise_sites``), so ``raise PSF.Fail("CorruptDocument", m)`` comes back as
  ``PSF.Fail`` even when the module also defines ``class CorruptDocument``.

Without either (a failure of the machine itself, a ``States.*`` error, a deployed machine's
Cause, which the Lambda runtime builds without the note), the error name is looked up as
before: an exception class of the module or a builtin one, called with the message, else
``PSF.Fail(error, message)``. When a note exists but the class cannot be rebuilt exactly, the
result is ``PSF.Fail`` with a note (``__notes__``) that says why, never a guess.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import re
import sys

from pysfn.runtime import Fail

RECORD_KEY = "pysfnException"


def error_message(cause) -> str:
    """A Lambda error's Cause is JSON with ``errorMessage``; a Fail state's is the text itself."""
    parsed = _cause_json(cause)
    if parsed is not None and "errorMessage" in parsed:
        return str(parsed["errorMessage"])
    return cause or ""


def _cause_json(cause) -> dict | None:
    if not (isinstance(cause, str) and cause.startswith("{")):
        return None
    try:
        parsed = json.loads(cause)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def public_cause(cause):
    """The Cause as the Lambda runtime would report it: without pysfn's note (for printing)."""
    parsed = _cause_json(cause)
    if parsed is None or RECORD_KEY not in parsed:
        return cause
    parsed.pop(RECORD_KEY)
    return json.dumps(parsed, separators=(",", ":"))


# --------------------------------------------------------------------------- the machine's raises

_COMMENT_LINE = re.compile(r"^.*?:(\d+)(?: |$)")


def _raises(node):
    """Every ``ir.Raise`` under an IR node (the IR is a tree of dataclasses, tuples and lists)."""
    from pysfn.compiler import ir
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ir.Raise):
            yield item
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def fail_states(machine: dict):
    for name, state in machine.get("States", {}).items():
        if state.get("Type") == "Fail":
            yield name, state
        for sub in state.get("Branches", []) + ([state["ItemProcessor"]] if "ItemProcessor" in state else []):
            yield from fail_states(sub)


def raise_sites(definition: dict, workflow) -> dict[str, str]:
    """Fail state name -> the Python class its ``raise`` names (``"Fail"`` for ``PSF.Fail``).

    A Fail state's ``Comment`` starts with ``file:line``; the IR's ``Raise`` statements carry
    their line. A line holding raises of different classes is left out (ambiguous), and so are
    the Fail states that are not a ``raise`` (``Bad_arguments``, a ``raise`` again of a caught
    error, whose class is known only at run time).
    """
    if workflow is None:
        return {}
    by_line: dict[int, set[str]] = {}
    for stmt in _raises(workflow):
        by_line.setdefault(stmt.loc.line, set()).add(stmt.class_name)
    sites = {}
    for name, state in fail_states(definition):
        match = _COMMENT_LINE.match(state.get("Comment", ""))
        classes = by_line.get(int(match.group(1))) if match and name.startswith("Fail_") else None
        if classes and len(classes) == 1:
            sites[name] = next(iter(classes))
    return sites


def caught_cause(events: list[dict], error: str, cause) -> str | None:
    """For an error the machine caught and raised again (``except E: ...; raise``, a ``finally``):
    its Cause is the message only, so take the Cause of the latest failed Task of the history
    with the same error and message, which carries the dispatcher's note. None if there is none."""
    if _cause_json(cause) is not None:
        return None
    message = cause or ""
    for event in reversed(events):
        for key, details in event.items():
            if not (key.endswith("FailedEventDetails") and isinstance(details, dict)) or details.get("error") != error:
                continue
            parsed = _cause_json(details.get("cause"))
            if parsed is not None and RECORD_KEY in parsed and str(parsed.get("errorMessage")) == message:
                return details["cause"]
    return None


# --------------------------------------------------------------------------- rebuilding

def _note(exc: BaseException, text: str) -> BaseException:
    if hasattr(exc, "add_note"):  # Python 3.11+: shown under the exception in pytest's report
        exc.add_note(text)
    return exc


def _from_record(record: dict, message: str) -> tuple[BaseException | None, str]:
    """The exception the dispatcher's note describes, or ``(None, why not)``."""
    module = sys.modules.get(str(record.get("module")))
    if module is None:
        return None, f"its module {record.get('module')!r} is not imported in this process"
    cls = module
    for part in str(record.get("class", "")).split("."):
        cls = getattr(cls, part, None)
    name = f"{record.get('module')}.{record.get('class')}"
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        return None, f"{name} is not an exception class of this process (a local class?)"
    if "args" not in record:
        return None, f"the arguments of {name} are not JSON"
    args = tuple(record["args"])
    try:
        if cls.__module__ == "builtins":  # builtin constructors take their args back exactly
            exc = cls(*args)
        else:  # no __init__: a class whose constructor takes other arguments than its args
            exc = cls.__new__(cls, *args)
            exc.args = args
            exc.__dict__.update(record.get("attributes", {}))
        text = str(exc)
    except Exception as e:  # noqa: BLE001 -- any failure means: cannot be rebuilt
        return None, f"{name} cannot be rebuilt from {list(args)!r}: {type(e).__name__}: {e}"
    if text != message:
        return None, f"str() of the rebuilt {name} is {text!r}, not {message!r} (an attribute that is not JSON?)"
    return exc, ""


def _by_name(name: str, module) -> type | None:
    cls = getattr(module, name, None) if module is not None else None
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = getattr(builtins, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, Exception) and cls is not Fail else None


def _key_of(message: str) -> tuple | None:
    """``(k,)`` when ``message`` is ``str(KeyError(k))`` for a literal ``k``, else None."""
    import ast
    try:
        key = ast.literal_eval(message)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return (key,) if str(KeyError(key)) == message else None


def exception_for(error: str, cause, module=None, raised_as: str | None = None) -> BaseException:
    """The exception CPython would have raised for a failed execution.

    ``module``: the workflow module (classes named by the error); ``raised_as``: the class of
    the machine's own ``raise`` that ended the execution, when it was one (``raise_sites``).
    """
    message = error_message(cause)
    parsed = _cause_json(cause)
    record = parsed.get(RECORD_KEY) if parsed is not None else None
    if isinstance(record, dict):
        exc, why = _from_record(record, message)
        if exc is not None:
            return exc
        return _note(Fail(error, message), f"pysfn: the callee's exception could not be raised again as it was: "
                                           f"{why}; raised as PSF.Fail({error!r}, message) instead")
    if raised_as == "Fail":
        return Fail(error, "" if cause is None else cause)
    if raised_as is None and error in ("States.Timeout", "States.HeartbeatTimeout"):
        from pysfn.callbacks import HeartbeatTimeout, Timeout  # what natively ends such a run
        return (Timeout if error == "States.Timeout" else HeartbeatTimeout)()
    cls = _by_name(raised_as or error, module)
    if cls is not None and issubclass(cls, KeyError) and raised_as is None:
        key = _key_of(message)  # str(KeyError(k)) is repr(k): take the key back when that is exact
        if key is not None:
            return cls(key[0])
    if cls is not None:
        try:
            return cls(message) if cause is not None or raised_as is None else cls()
        except Exception:  # noqa: BLE001 -- a class that takes other arguments
            return _note(Fail(error, message), f"pysfn: {cls.__name__}({message!r}) cannot be constructed; "
                                               "raised as PSF.Fail(error, message) instead")
    return Fail(error, message)
