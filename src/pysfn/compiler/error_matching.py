"""Exception matching by class hierarchy for classes the compiler cannot see.

ASL matches a Task's error by its exact name, and a Python ``except ValueError`` becomes a Catch
listing ValueError and its *known* subclasses (builtins, classes of the workflow's modules;
``errors.py``). A library class (``json.JSONDecodeError``, ``requests.HTTPError``...) is not in
that list, yet CPython's handler catches it. So every Lambda Task whose error the machine
matches by name tells the dispatcher which names its Retry and Catch rules (and those of the
enclosing ``try`` blocks, across Parallel branches and Map iterations, whose errors propagate to
the Parallel/Map state) match: ``"catch": [...]`` in the payload.

The dispatcher (``handler.py.tmpl``) then reports an exception whose own class name is not in
that list under the nearest class of its MRO that is: ``JSONDecodeError`` is reported as
``ValueError`` to a Task inside ``except ValueError``, with the message unchanged (``str(e)``).
For single inheritance this gives exactly CPython's matching: every listed class that CPython
would match is an ancestor of that nearest class, whose name each of their lists contains; no
other list contains it. Elsewhere (no rule would match it by a base) the error keeps its own
name. ``States.TaskFailed``/``States.ALL`` match any Lambda error name, so they are unaffected.
"""

from __future__ import annotations

from pysfn.compiler import ir


def matched_names(catchers, retriers: tuple[ir.Retrier, ...], outer: frozenset = frozenset()) -> frozenset:
    """The error names a Task's Retry/Catch rules (and the enclosing ones) match exactly."""
    names = set(outer)
    for c in catchers:
        if not c.errors.catch_all:
            names.update(c.errors.names)
    for r in retriers:
        names.update(r.errors)
    return frozenset(n for n in names if not n.startswith(("States.", "Lambda.")))
