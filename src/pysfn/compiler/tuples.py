"""Printing or inspecting a tuple: refused at the line, because the machine holds it as a list.

JSON has no tuple, so a tuple literal, ``divmod(...)``, a callee's ``return a, b`` or an item of
``zip``/``enumerate``/``.items()`` is a list once it is a variable's value: ``str(t)`` would print
``[1, 2]`` where CPython prints ``(1, 2)``, and ``type(t)``/``isinstance(t, tuple)`` would see a
list (a silent difference, found by the issue-12 audit). Unpacking, indexing, ``len``, iteration
agree and stay accepted. The check is syntactic and per function: a name counts as a tuple when
any of its bindings makes one (the message says "may be").
"""

from __future__ import annotations

import ast

TUPLE_CALLS = {"divmod", "tuple"}
TUPLE_ITEMS = {"zip", "enumerate"}   # for t in zip(...): each t is a tuple


def _returns_tuple(fn: ast.FunctionDef) -> bool:
    returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None]
    return bool(returns) and all(isinstance(r.value, ast.Tuple) for r in returns)


def _tuple_items(it: ast.expr) -> bool:
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in TUPLE_ITEMS:
        return True
    return isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items" \
        and not it.args


def _makes_tuple(value: ast.expr, names: set[str], tuple_callees: set[str]) -> bool:
    if isinstance(value, ast.Tuple):
        return True
    if isinstance(value, ast.Name):
        return value.id in names
    if isinstance(value, ast.IfExp):
        return _makes_tuple(value.body, names, tuple_callees) or _makes_tuple(value.orelse, names, tuple_callees)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in TUPLE_CALLS or value.func.id in tuple_callees
    return False


def tuple_names(fn: ast.FunctionDef, callees: dict) -> set[str]:
    """The locals of ``fn`` some binding of which is a tuple."""
    tuple_callees = {name for name, node in callees.items() if node is not None and _returns_tuple(node)}
    names: set[str] = set()
    for _ in range(3):  # t = (1, 2); u = t: a few rounds reach the copies
        before = len(names)
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and _makes_tuple(node.value, names, tuple_callees):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name) \
                    and _makes_tuple(node.value, names, tuple_callees):
                names.add(node.target.id)
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                    and _tuple_items(node.iter):
                names.add(node.target.id)
        if len(names) == before:
            break
    return names


def _inspected(node: ast.AST):
    """(the expression printed or inspected, how) for str/repr/type/isinstance/f-string uses."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args and not node.keywords:
        if node.func.id in ("str", "repr", "type") and len(node.args) == 1:
            return node.args[0], f"{node.func.id}()"
        if node.func.id == "isinstance" and len(node.args) == 2:
            return node.args[0], "isinstance()"
    if isinstance(node, ast.FormattedValue):
        return node.value, "an f-string"
    return None


def check_tuples(fn: ast.FunctionDef, rep, callees: dict) -> None:
    """Record a located error wherever ``fn`` prints or inspects a value that may be a tuple."""
    names = tuple_names(fn, callees)
    for node in ast.walk(fn):
        found = _inspected(node)
        if found is None:
            continue
        value, how = found
        # a variable only: a tuple made inside the printed expression itself stays one (the
        # expression runs whole in Python), a variable's value went through the machine
        if not (isinstance(value, ast.Name) and value.id in names):
            continue
        text = ast.unparse(value)
        rep.record(rep.error(value, f"'{text}' may be a tuple, and {how} of it differs in the state machine: "
                             "JSON has no tuple, so it holds a list there (CPython prints (1, 2), the "
                             "machine [1, 2]; type() and isinstance() see a list)",
                             f"make it a list in both modes (list({text})) or format its items "
                             "(f\"({a}, {b})\")"))
