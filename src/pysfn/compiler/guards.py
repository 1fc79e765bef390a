"""Guarded statements: ``str()`` of a value whose type is known only at run time.

``f"{amount} {currency}"`` with ``amount`` from a callee has no exact JSONata form for every
value: JSONata writes ``2.0`` as ``2``, ``0.1 + 0.2`` with 15 digits, lists and dicts as JSON.
It has one for most of them: a str, a bool, None and an int (a plain whole JSON number; whole
floats are tagged, numbers.py) are written as CPython writes them (``jsonata_ops._str``). So
instead of extracting the statement for every value, the front end compiles it twice::

    Choice: every formatted value is a str, bool, None or int?
      yes -> the statement in JSONata (no Lambda call; usually folded into the Choice's rule)
      no  -> the statement with its expression extracted (extraction.py), as before

The test reads the same values the statement then formats, so both branches give CPython's
text; the extracted branch is what the statement always did.

A formatted value that can itself fail (``d['k']``) is evaluated first by the test: the machine
then fails there, with the error CPython raises in the statement -- provided nothing in the
statement that CPython evaluates before it can fail. So such a value is guarded only where
every other part of the statement is infallible and the statement's own work cannot fail (an
``append`` to a list).
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir
from pysfn.compiler.diagnostics import CompileError
from pysfn.compiler.expressions import NotLowerable
from pysfn.compiler.fallible import errors_raised
from pysfn.compiler.types import ast_types

# Statements that change a variable with the text (``lines.append(f"...")``, ``d[k] = f"..."``,
# ``s += f"..."``): extracted, they are the Task and a state of its own that makes the change
# (inside a ``try``, where the Task's Catch keeps that state apart). Guarded, exact values are
# one Choice whose rule makes the change: no Lambda call, and no more states; other values
# cost one transition more (the test). Not ``name = ...``, ``return ...``, ``raise``, nor a
# callee's argument: the extracted Task already assigns, ends or leads to the call itself, so
# the test would only add a state -- and a transition costs about a hundred Lambda requests.
_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)
MAX_GUARDED = 8  # formatted values tested by one statement's guard; more: extracted as before


def guarded_statement(fc, node: ast.stmt, method, error: NotLowerable) -> list[ir.Stmt] | None:
    """``node`` as ``if <its formatted values are exact>: <in JSONata> else: <extracted>``, or
    None where that is not possible (the caller extracts the statement as before)."""
    if not error.guardable or not isinstance(node, _STATEMENTS) or fc.info.strict or _assigns_a_name(node) \
            or isinstance(node, ast.Expr) and not (isinstance(node.value, ast.Call) and fc.changing_call(node.value)):
        return None
    warnings = len(fc.rep.warnings)
    try:
        planned = _plan(fc, node, method, error)
    finally:
        del fc.rep.warnings[warnings:]  # the statement compiled below (or by the caller) says them again
    if planned is None:
        return None
    tests, fast = planned
    fc.guarding = True
    try:
        slow = fc.extract_statement(node, error)
    finally:
        fc.guarding = False
    test = tests[0] if len(tests) == 1 else ir.BoolOp("and", tests, fc.loc(node))
    return [ir.If(((test, tuple(fast)),), tuple(slow), fc.loc(node))]


def _plan(fc, node: ast.stmt, method, error: NotLowerable):
    """The tests and the statement compiled for exact values, or None."""
    guarded = _fast_path(fc, node, method, error.node)
    if guarded is None:
        return None
    nodes, fast = guarded
    if any(n in _scoped(node) for n in nodes):  # a comprehension's own variable: not testable before it
        return None
    try:
        tests = tuple(ir.ExactText(fc.expr(n), fc.loc(n)) for n in nodes)
    except (NotLowerable, CompileError):
        return None
    if any(errors_raised(t.value) for t in tests) and not _may_test_fallible(fc, node, fast, tests):
        return None
    return tests, fast


def _scoped(node: ast.stmt) -> list:
    """The nodes of ``node`` inside a comprehension or lambda (they read its own variables)."""
    inner = []
    for n in ast.walk(node):
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
            inner += [m for m in ast.walk(n) if m is not n]
    return inner


def _assigns_a_name(node: ast.stmt) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(t, ast.Name) for t in targets)


def _fast_path(fc, node: ast.stmt, method, first: ast.AST):
    """The statement compiled with its formatted values assumed exact, and those values."""
    nodes = [first]
    while len(nodes) <= MAX_GUARDED:
        fc.assumed_exact = tuple(nodes)
        try:
            return nodes, method(node)
        except NotLowerable as again:  # another value to guard, or something only Python can do
            if not again.guardable or again.node in nodes:
                return None
            nodes.append(again.node)
        except CompileError:  # said by the extracted statement if it applies there
            return None
        finally:
            fc.assumed_exact = ()
    return None


def _may_test_fallible(fc, node: ast.stmt, fast: list[ir.Stmt], tests) -> bool:
    """Whether a test that can fail fails as CPython would: nothing else in the statement can."""
    if isinstance(node, ast.Expr):
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "append" and isinstance(call.func.value, ast.Name)
                and ast_types(call.func.value, fc.var_types) == frozenset({"list"})):
            return False
    else:
        return False
    guarded = [t.value for t in tests]
    return not any(errors_raised(e, skip=guarded) for e in _expressions(fast))


def _expressions(stmts) -> list:
    """The expressions of compiled simple statements (what they evaluate)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ir.Rebind):
            out += [value for _, value in stmt.targets]
        elif hasattr(stmt, "value"):
            out.append(stmt.value)
        else:  # a statement of a kind this check does not know: assume it can fail
            out.append(ir.Op("?", (), stmt.loc))
    return out
