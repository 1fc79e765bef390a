"""The one case where a change in place is not a new value: two names for one object.

pysfn compiles ``xs.append(v)`` as ``xs = xs + [v]`` (see ``changes.py``). In Python the
append is also seen through every other name bound to the same list; in Step Functions
variables hold copies. So a local that is changed in place must not share its object
with another name. This check finds, for each local changed in place, the places where
it could share one, and rejects them at the line:

* it is a ``for`` loop's variable (the item is shared with the list iterated);
* it is bound to another name or an item of one (``x = y``, ``x = d["k"]``);
* it is stored somewhere as it is (``y = x``, ``y = [x]``, ``y = {"k": x}``, ``d[k] = x``,
  ``ys.append(x)``, ``a = b = []``).

Reading it (``x[0]``, ``len(x)``, ``x + y``, ``f(x)`` with a callee, ``return {"k": x}``...)
shares nothing that is used after a later change.
"""

from __future__ import annotations

import ast

from pysfn.compiler.changes import CHANGING_METHODS

ALIASING_VALUES = (ast.Name, ast.Subscript, ast.Attribute, ast.IfExp, ast.BoolOp, ast.NamedExpr)


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def changed_in_place(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Locals changed in place, each with the first place it happens."""
    changed: dict[str, ast.AST] = {}
    for stmt in body:
        for node in _walk_function(stmt):
            targets = []
            if isinstance(node, ast.Assign):
                targets = [t for t in node.targets if isinstance(t, ast.Subscript)]
            elif isinstance(node, ast.AugAssign):
                if isinstance(node.target, ast.Subscript) or isinstance(node.value, (ast.List, ast.ListComp)):
                    targets = [node.target]  # xs += [...] extends the list in place
            elif isinstance(node, ast.Delete):
                targets = [t for t in node.targets if isinstance(t, ast.Subscript)]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in CHANGING_METHODS:
                targets = [node.func.value]
            for t in targets:
                name = _root(t)
                if name is not None:
                    changed.setdefault(name, node)
    return changed


def _walk_function(node: ast.AST):
    """``ast.walk`` that does not enter nested functions (they have their own locals)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                todo.append(child)


def _stored_names(value: ast.expr) -> list[ast.Name]:
    """Names whose object ``value`` would hand on as it is (not a copy, not a result)."""
    if isinstance(value, ast.Name):
        return [value]
    if isinstance(value, ast.IfExp):
        return _stored_names(value.body) + _stored_names(value.orelse)
    if isinstance(value, ast.BoolOp):
        return [n for v in value.values for n in _stored_names(v)]
    if isinstance(value, ast.NamedExpr):
        return _stored_names(value.value)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [n for e in value.elts for n in _stored_names(e.value if isinstance(e, ast.Starred) else e)]
    if isinstance(value, ast.Dict):
        return [n for v in value.values for n in _stored_names(v)]
    return []


def check_aliasing(fn: ast.FunctionDef, rep) -> None:
    changed = changed_in_place(fn.body)
    if not changed:
        return

    def reject(node: ast.AST, name: str, why: str) -> None:
        where = changed[name]
        raise rep.error(node, f"'{name}' {why}, and it is changed in place at line {where.lineno}: in Python "
                        "the change would show through both names, in the state machine only through "
                        f"'{name}'", f"work on a copy: {name} = list({name}) or dict({name}) before "
                        "changing it, or build a new value")

    for stmt in fn.body:
        for node in _walk_function(stmt):
            if isinstance(node, (ast.For, ast.comprehension)):
                for t in ast.walk(node.target):
                    if isinstance(t, ast.Name) and t.id in changed:
                        reject(t, t.id, "is an item of what the loop iterates")
            stored: list[ast.expr] = []
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                stored.append(node.value)
                if len(targets) > 1 and not isinstance(node.value, ast.Constant):
                    for t in targets:
                        if isinstance(t, ast.Name) and t.id in changed:
                            reject(t, t.id, "is bound to the same object as the other targets")
                for t in targets:
                    if isinstance(t, ast.Name) and t.id in changed and isinstance(node.value, ALIASING_VALUES):
                        reject(node.value, t.id, f"is bound to '{ast.unparse(node.value)}'")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in CHANGING_METHODS:
                stored.extend(node.args)
            for value in stored:
                for n in _stored_names(value):
                    if n.id in changed:
                        reject(n, n.id, "is stored here as it is")
