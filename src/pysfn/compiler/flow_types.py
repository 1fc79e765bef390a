"""Flow-sensitive static types: the types a local can hold *at each place it is read*.

Design note
-----------
``types.local_types`` gives each local the union of everything assigned to it anywhere in the
function (flow-insensitive), so ``x = 0`` ... ``x = "a"; f"{x}"`` sees "int or str" and extracts the
f-string. Static types only decide what the compiler lowers to JSONata and what it extracts into
the Lambda (the machine's values carry int/float themselves, ``numbers.py``), so a more precise
answer saves Lambda calls; it must stay *sound*: a read's recorded types include every type the
value can have there.

The analysis walks the function's statements in order with an environment ``name -> types``
(``None``: unknown; the empty set: not assigned yet on any path):

* an assignment sets the target's types (tuple targets and everything else: unknown);
* ``if``/``match`` join the environments of their branches; ``return``/``raise``/``break``/
  ``continue`` end a path (``break`` and ``continue`` paths join at the loop's exit and head);
* loops iterate to a fixed point (the head joins the entry and every path back), and the reads in
  the body are recorded in the last, stable round;
* ``try`` handlers start from the join of the environments between the body's statements (an
  error can come from any of them); ``finally`` from the join of everything.

Each ``ast.Name`` read gets ``at[id(node)]``. Reads the walk does not reach (inside nested
functions, lambdas and comprehensions) and names the front end builds later fall back to the
flow-insensitive types; a function using ``global``/``nonlocal``/``:=``/``del`` is not analysed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from pysfn.compiler.types import ast_types

_BOTTOM = None  # an unreachable point (after return/raise): joins ignore it


def _join_types(a, b):
    if a is None or b is None:
        return None
    return a | b


def _join(*envs):
    live = [e for e in envs if e is not _BOTTOM]
    if not live:
        return _BOTTOM
    out = dict(live[0])
    for e in live[1:]:
        if e is out:
            continue
        # (most names hold the same object on both sides: skipped fast; a name missing on one
        # side joins the empty set, which changes nothing)
        for name, types in e.items():
            mine = out.get(name, _MISSING)
            if mine is not types:
                out[name] = types if mine is _MISSING else _join_types(mine, types)
    return out


_MISSING = object()


@dataclass
class FlowTypes:
    """The flow-insensitive types (``get``) plus the types of each analysed read (``at``)."""
    fallback: dict
    at: dict = field(default_factory=dict)

    def get(self, name, default=None):
        return self.fallback.get(name, default)

    def of(self, node: ast.Name):
        if id(node) in self.at:
            types = self.at[id(node)]
            return types or None  # never assigned on any path: unknown, to be safe
        return self.fallback.get(node.id)

    def __contains__(self, name) -> bool:
        return name in self.fallback

    def __getitem__(self, name):
        return self.fallback[name]

    def items(self):
        return self.fallback.items()


class _Walker:
    def __init__(self, result: FlowTypes):
        self.result = result
        self.loop_exits: list[list] = []
        self.loop_heads: list[list] = []
        self.points: list[list] | None = None  # environments between statements (for try)

    def types(self, node: ast.expr, env: dict):
        self.record(node, env)
        return ast_types(node, env)

    def record(self, node: ast.AST, env: dict) -> None:
        for n in _reads(node):
            self.result.at[id(n)] = env.get(n.id, frozenset())

    def assign(self, target: ast.expr, types, env: dict) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = types
        else:
            self.record(target, env)  # subscripts read their container and index
            for n in ast.walk(target):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    env[n.id] = None

    def block(self, stmts, env):
        for stmt in stmts:
            if env is _BOTTOM:
                return _BOTTOM  # unreachable code: its reads keep the flow-insensitive types
            if self.points is not None:  # (kept: a try's handlers start from each of them)
                self.points.append(env)
                env = dict(env)
            env = self.stmt(stmt, env)  # the caller gave this block its own environment
        return env

    def stmt(self, node: ast.stmt, env: dict):
        if isinstance(node, ast.Assign):
            types = self.types(node.value, env)
            for t in node.targets:
                self.assign(t, types, env)
            return env
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.types(node.value, env), env)
            return env
        if isinstance(node, ast.AugAssign):
            self.record(node.value, env)
            if isinstance(node.target, ast.Name):
                load = ast.Name(node.target.id, ast.Load())
                env[node.target.id] = ast_types(ast.BinOp(load, node.op, node.value), env)
            else:
                self.assign(node.target, None, env)
            return env
        if isinstance(node, (ast.Expr, ast.Assert)):
            self.record(node, env)
            return env
        if isinstance(node, (ast.Return, ast.Raise)):
            self.record(node, env)
            return _BOTTOM
        if isinstance(node, (ast.Break, ast.Continue)) and not self.loop_exits:
            raise _GiveUp()  # outside a loop: the front end reports it at the line
        if isinstance(node, ast.Break):
            self.loop_exits[-1].append(env)
            return _BOTTOM
        if isinstance(node, ast.Continue):
            self.loop_heads[-1].append(env)
            return _BOTTOM
        if isinstance(node, ast.If):
            self.record(node.test, env)
            return _join(self.block(node.body, dict(env)), self.block(node.orelse, dict(env)))
        if isinstance(node, (ast.For, ast.While)):
            return self.loop(node, env)
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            return self.try_(node, env)
        if isinstance(node, ast.Match):
            self.record(node.subject, env)
            ends = [env]  # no case matched
            for case in node.cases:
                inner = dict(env)
                for n in ast.walk(case.pattern):
                    name = getattr(n, "name", None)
                    if isinstance(n, (ast.MatchAs, ast.MatchStar)) and name:
                        inner[name] = None
                if case.guard is not None:
                    self.record(case.guard, inner)
                ends.append(self.block(case.body, inner))
            return _join(*ends)
        if isinstance(node, ast.With):
            for item in node.items:
                self.record(item.context_expr, env)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, None, env)
            return self.block(node.body, env)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            env[node.name] = None
            return env
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                env[(alias.asname or alias.name).split(".")[0]] = None
            return env
        if isinstance(node, ast.Pass):
            return env
        raise _GiveUp()

    def loop_target(self, node: ast.For, env: dict) -> None:
        it = node.iter
        call = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) else None
        if call == "range" and isinstance(node.target, ast.Name):
            env[node.target.id] = frozenset({"int"})
        elif call == "enumerate" and isinstance(node.target, ast.Tuple) and len(node.target.elts) == 2 \
                and isinstance(node.target.elts[0], ast.Name):
            env[node.target.elts[0].id] = frozenset({"int"})
            self.assign(node.target.elts[1], None, env)
        else:
            self.assign(node.target, None, env)

    def loop(self, node, env: dict):
        is_for = isinstance(node, ast.For)
        if is_for:
            self.record(node.iter, env)  # evaluated once, before the loop
        head = env
        for _ in range(20):
            self.loop_exits.append([])
            self.loop_heads.append([])
            inner = dict(head)
            if is_for:
                self.loop_target(node, inner)
            else:
                self.record(node.test, inner)
            end = self.block(node.body, inner)
            exits, continues = self.loop_exits.pop(), self.loop_heads.pop()
            new_head = _join(env, end, *continues)
            if new_head == head:
                break
            head = new_head
        else:
            raise _GiveUp()
        # the loop ends when the iteration (or the test) is over: from the head, or at a break
        done = dict(head)
        if not is_for:
            self.record(node.test, done)
        after_else = self.block(node.orelse, done)
        return _join(after_else, *exits)

    def try_(self, node, env: dict):
        saved = self.points
        self.points = []
        end = self.block(node.body, dict(env))
        body_points = self.points + [end]
        start = _join(env, *body_points)  # an error can come from anywhere in the body
        self.points = []
        ends = [self.block(node.orelse, dict(end)) if end is not _BOTTOM else _BOTTOM]
        for handler in node.handlers:
            inner = dict(start) if start is not _BOTTOM else {}
            if handler.type is not None:
                self.record(handler.type, inner)
            if handler.name:
                inner[handler.name] = None
            ends.append(self.block(handler.body, inner))
        handler_points = self.points
        self.points = saved
        if saved is not None:  # an enclosing try sees these points too
            saved.extend(p for p in body_points + handler_points if p is not _BOTTOM)
        after = _join(*ends)
        if not node.finalbody:
            return after
        final_start = _join(start, after, *handler_points, *ends)
        final_end = self.block(node.finalbody, dict(final_start)) if final_start is not _BOTTOM else _BOTTOM
        return _BOTTOM if after is _BOTTOM else final_end


class _GiveUp(Exception):
    """A construct the walk does not model: every read falls back to the flow-insensitive types."""


def _reads(node: ast.AST):
    """The Name reads of ``node`` evaluated where it stands (not inside nested scopes)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                          ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            yield n
        stack.extend(ast.iter_child_nodes(n))


def flow_types(fn: ast.FunctionDef, fallback: dict, params: dict) -> FlowTypes:
    """The types of each read of ``fn``'s locals; ``params`` are the parameters' types at entry."""
    result = FlowTypes(fallback)
    if any(isinstance(n, (ast.Global, ast.Nonlocal, ast.NamedExpr, ast.Delete)) for n in ast.walk(fn)):
        return result
    env = {name: frozenset() for name in fallback}
    env.update(params)
    try:
        _Walker(result).block(fn.body, env)
    except _GiveUp:
        result.at.clear()
    return result
