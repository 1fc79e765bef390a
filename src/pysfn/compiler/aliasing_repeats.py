"""Values that hold one object at several places: ``[[]] * 3``, ``[row] * n``, ``[lst, lst]``.

CPython's ``[[]] * 3`` is three references to one list, so ``grid[0].append(1)`` shows in every
row; the state machine's values are JSON, so each place is a copy of its own and only the row
changed shows it. ``aliasing_flow`` records such a value as sharing with itself at the depth of
the repeated places (``Share`` with both ends the same name) and refuses a change in place that
reaches that depth while the value is read later (issue 12 item 9: a silent difference).

The walk only follows displays and ``+``/``*`` (where items are placed as they are); a value
with nothing but constants at the repeated places cannot be changed in place, so no repetition of
them matters.
"""

from __future__ import annotations

import ast


def _immutable(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple):
        return all(_immutable(e) for e in node.elts)
    return isinstance(node, (ast.Constant, ast.JoinedStr))


def _all_constants(seq: ast.expr) -> bool:
    """A display whose items cannot be changed in place (``[0] * n``, ``[(1, "a")] * n``)."""
    return isinstance(seq, (ast.List, ast.Tuple)) and all(_immutable(e) for e in seq.elts)


def _placed_names(node: ast.expr, depth: int = 0) -> list[tuple[str, int]]:
    """The names whose objects ``node`` places as they are (in displays, not inside calls), with
    the depth in ``node`` where each lands."""
    if isinstance(node, ast.Name):
        return [(node.id, depth)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [p for e in node.elts for p in _placed_names(e, depth + 1)]
    if isinstance(node, ast.Dict):
        return [p for v in node.values for p in _placed_names(v, depth + 1)]
    if isinstance(node, ast.Subscript):  # row["k"]: an object inside row, placed here
        return _placed_names(node.value, depth)
    return []


def repeated_depth(value: ast.expr) -> int | None:
    """The smallest depth (1 = the value's own items) at which ``value`` places one object at
    two places, or None where no repetition is visible."""
    seen: dict[str, int] = {}
    found: list[int] = []

    def walk(node: ast.expr, depth: int) -> None:
        # ``node`` is the object at ``depth`` of the value (0: the value itself)
        if isinstance(node, (ast.List, ast.Tuple)):
            for e in node.elts:
                walk(e, depth + 1)
        elif isinstance(node, ast.Dict):
            for v in node.values:
                walk(v, depth + 1)
        elif isinstance(node, ast.Starred):  # [*xs]: xs's items land where the starred item stands
            walk(node.value, depth - 1)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            walk(node.left, depth)  # xs + ys: the items of both, as they are
            walk(node.right, depth)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for seq, count in ((node.left, node.right), (node.right, node.left)):
                if isinstance(count, ast.Constant) and isinstance(count.value, int) and count.value <= 1:
                    continue  # [x] * 1, [x] * 0: no second place
                if isinstance(seq, (ast.List, ast.Tuple, ast.Name, ast.Subscript, ast.Attribute, ast.Call,
                                    ast.ListComp)) and not _all_constants(seq):
                    found.append(depth + 1)  # every item of seq, at several places
                    walk(seq, depth)
                    return
        elif isinstance(node, (ast.ListComp, ast.DictComp)):
            bound = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            element = node.value if isinstance(node, ast.DictComp) else node.elt
            outer = [d for n, d in _placed_names(element) if n not in bound]
            if outer:  # [row for _ in xs]: the same object at every place
                found.append(depth + 1 + min(outer))
        elif isinstance(node, ast.Name):
            if node.id in seen:  # the same object twice (through + or *, its items twice)
                found.append(min(depth, seen[node.id]))
            seen[node.id] = min(depth, seen.get(node.id, depth))
        # calls, subscripts, comprehensions...: a new value, or one the name-based shares follow

    walk(value, 0)
    return max(1, min(found)) if found else None


def _same_object(a, b, state) -> bool:
    """Do the ends ``a`` and ``b`` (of two shares) name one object: the same name at the same
    depth, or two names a share of ``state`` binds together at those depths."""
    if a.name == b.name:
        return a.depth == b.depth
    for s in state:
        for mine, other in s.ends():
            if mine.name == a.name and other.name == b.name and a.depth - mine.depth == b.depth - other.depth >= 0:
                return True
    return False


def stored_twice(name: str, depth: int, state):
    """The end of ``name`` where one object is stored at two places of it by two statements
    (``ys.append(x); ys.append(x)``, ``a = b = []; ys = [a, b]``) and the change in place at
    ``depth`` may reach it: (the later store's node, the message's start), or None."""
    stores = [(mine, other) for s in state for mine, other in s.ends()
              if mine.name == name and other.name != name and not other.name.startswith("<")
              and depth >= mine.depth]
    for i, (m1, o1) in enumerate(stores):
        for m2, o2 in stores[i + 1:]:
            if m1.depth == m2.depth and (m1.node is not m2.node or o1.node is not o2.node) \
                    and _same_object(o1, o2, state):
                (_, first), (at, second) = sorted(((m1.node, o1), (m2.node, o2)),
                                                  key=lambda p: (p[1].node.lineno, p[1].node.col_offset))
                what = (f"'{first.name}' at two places" if first.name == second.name else
                        f"'{first.name}' and '{second.name}', one object, at two places")
                lines = (f"line {first.node.lineno}" if first.node.lineno == second.node.lineno
                         else f"lines {first.node.lineno} and {second.node.lineno}")
                return at, f"'{name}' holds {what} (stored at {lines})"
    return None


def assigned_in(loop: ast.AST) -> set[str]:
    """The names a loop binds again on each iteration (its target, assignments in its body)."""
    names = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        names |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    return names


def stored_each_iteration(loops: list[ast.AST], stored: list) -> int | None:
    """Does a store inside ``loops`` put the same object into its container on every iteration:
    the stored value shares (``stored``: the ``Sharing.shares`` entries of it, (name, depth in
    the value, depth in the name, node)) a name that no enclosing loop binds again (``for i in
    range(2): ys.append(row)``)? The depth in the value of the repeated object, or None."""
    if not loops:
        return None
    rebound = set().union(*(assigned_in(loop) for loop in loops))
    depths = [dv for n, dv, *_ in stored if not n.startswith("<") and n not in rebound]
    return min(depths) if depths else None
