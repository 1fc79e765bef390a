"""Which expressions can raise, and where CPython would catch what they raise.

A JSONata expression that fails (``$error('TypeError: ...')``) stops the state machine with
``States.QueryEvaluationError``: a Pass or Choice has no ``Catch``, so an ``except`` around it
never runs. CPython would run the handler. Inside a ``try`` whose handlers catch an error
that the expression can raise, the front end extracts the expression instead (``NotLowerable``):
it runs in the dispatcher Lambda, where CPython raises the real exception and the Task's
``Catch`` hands it to the handler, exactly as Python would. Inside a ``try ... finally`` whose
``finally`` does something observable, the first such expression gets a located warning.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass

from pysfn.compiler import ir

# What the machine's own operations raise (jsonata_ops.py, jsonata.py, loops.py): the classes
# CPython raises for the same operation on the same values.
RAISED = ("TypeError", "ValueError", "KeyError", "IndexError", "ZeroDivisionError", "OverflowError",
          "AttributeError")

# Operations that cannot fail on any JSON value: str() of a value the front end knows is an int,
# str, bool or None; joining an f-string's parts (each already a str); comparisons of operands
# whose static types are known (typed==, typed<...).
_SAFE_OPS = {"str", "concat"}
_SAFE_COMPARE = {"==", "!=", "is", "is not"}


_ARITH = {"TypeError", "OverflowError"}
_DIVISION = _ARITH | {"ZeroDivisionError", "ValueError"}
_OP_ERRORS = {
    "+": _ARITH, "-": _ARITH, "*": _ARITH, "neg": _ARITH, "pos": _ARITH, "square": _ARITH,
    "int+": {"OverflowError"}, "int-": {"OverflowError"}, "int*": {"OverflowError"},
    "/": _DIVISION, "//": _DIVISION, "%": _DIVISION, "len": {"TypeError"}, "abs": _ARITH,
}


def errors_raised(e: ir.Expr, skip: list | tuple = ()) -> set[str]:
    """The Python errors evaluating ``e`` can raise in the machine, for some value of its variables
    (not counting the parts of it equal to one of ``skip``)."""
    found: set[str] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if skip and any(node == s for s in skip):
            continue
        if isinstance(node, ir.Subscript):
            found |= {"KeyError", "IndexError", "TypeError"}
        elif isinstance(node, ir.Comprehension):
            found.add("TypeError")
        elif isinstance(node, ir.Compare) and node.op not in _SAFE_COMPARE:
            found.add("TypeError")
        elif isinstance(node, ir.Op) and node.name not in _SAFE_OPS and not node.name.startswith("typed"):
            name = node.name[:-1] if node.name.endswith("=") else node.name  # x += 1 is x + 1
            found |= _OP_ERRORS.get(name, set(RAISED))
        if dataclasses.is_dataclass(node):
            for f in dataclasses.fields(node):
                value = getattr(node, f.name)
                if isinstance(value, tuple):
                    stack.extend(v for v in value if dataclasses.is_dataclass(v))
                elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                    stack.append(value)
    return found


def caught_here(handlers: list[ir.ErrorSet], errors: set[str]) -> bool:
    """Whether an enclosing handler catches one of ``errors`` (names or their bases)."""
    return any(h.matches(name) for h in handlers for name in errors)


# Methods that change a container in place and raise on some values (an empty list's pop, a
# missing item's remove): the change is the machine's own (it cannot be extracted).
_FAILING_CHANGES = {"pop", "remove", "index", "insert", "extend", "update", "setdefault", "popitem"}


def changing_statement_may_fail(node: ast.stmt) -> bool:
    """A statement whose own work (not an expression in it) can raise in the machine: ``del d[k]``,
    ``xs.pop()``, ``d[k] = v``, ``a, b = v``, ``for x in v`` over a value of unknown type."""
    if isinstance(node, ast.Delete):
        return True
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, (ast.Subscript, ast.Tuple, ast.List)) for t in targets)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Attribute) and func.attr in _FAILING_CHANGES
    if isinstance(node, ast.For):
        return not isinstance(node.iter, (ast.List, ast.Tuple, ast.Call))
    return False


@dataclass
class FinallyWatch:
    """A ``try ... finally`` whose ``finally`` does something an error must not skip, while its
    body is compiled: the first expression there that can fail is warned about, once.

    Extracting every such expression (as for a catching ``except``) would send most of a
    ``try``'s body to the Lambda; the error itself would still end the execution, only the
    ``finally`` would not run first -- that is said at the line instead."""
    node: ast.Try
    warned: bool = False


def finally_is_observable(finalbody: list[ast.stmt]) -> bool:
    """Whether a ``finally`` does more than set variables a failure would drop anyway."""
    return any(isinstance(n, (ast.Call, ast.Return, ast.Break, ast.Continue, ast.Raise, ast.Await))
               for stmt in finalbody for n in ast.walk(stmt))
