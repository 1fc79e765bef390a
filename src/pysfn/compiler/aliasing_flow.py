"""The flow of shares through a function body, and the check at every change in place.

See ``aliasing.py`` for the facts (``Share``) and what values share. This module walks the
statements in execution order with a set of shares (an abstract interpretation): a loop until
its shares stop growing, both branches of an ``if`` joined, a ``try``'s handlers and ``finally``
entered with every state its body passed through (an error may come from any point), and a
``return``'s shares carried into the ``finally`` blocks it runs. At each change in place the
shares it reaches are checked (``Flow.check``); a located error (or, for the entry's defaults,
a warning) names both places.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from pysfn.compiler.aliasing import (DEFAULT, MAX_DEPTH, RETURN, STORING, End, Share, Sharing, _inside, _item,
                                     _maybe_list, _root, _walk_function, changes_of)
from pysfn.compiler.aliasing_repeats import repeated_depth, stored_each_iteration, stored_twice

HINT = "work on a copy: {n} = list({n}) or dict({n}) before changing it, or build a new value"


# Per analysis (check_aliasing clears it): loops and blocks ask again for the same statements.
_LOADS: dict[int, tuple[ast.AST, frozenset]] = {}


def _loads(node: ast.AST) -> frozenset[str]:
    """The names ``node`` reads."""
    cached = _LOADS.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    names = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    _LOADS[id(node)] = (node, names)
    return names


def _join(*states):
    real = [s for s in states if s is not None]
    return frozenset().union(*real) if real else None


MAX_SHARES = 5_000  # pairs of names sharing an object, per loop head
KEPT_PER_PAIR = 2    # shares kept per (name, depth, name, depth): the earliest places


def _where(end: End) -> tuple:
    return (getattr(end.node, "lineno", 0), getattr(end.node, "col_offset", 0), end.why)


def _canonical(state):
    """``state`` with at most ``KEPT_PER_PAIR`` shares per pair of names and depths, the earliest
    in the source. The shares of one pair differ only in the places a message names; the checks
    decide on names and depths (two places, for ``stored_twice``), so nothing is lost -- but
    nested loops storing into several containers made thousands of them (10 million share
    updates, 30 s for a 50-line function: tests/test_loop_properties.py found it)."""
    if state is None or len(state) < 64:
        return state
    groups: dict[tuple, list] = {}
    for s in state:
        groups.setdefault((s.a.name, s.a.depth, s.b.name, s.b.depth), []).append(s)
    kept = []
    for shares in groups.values():
        if len(shares) > KEPT_PER_PAIR:
            shares = sorted(shares, key=lambda s: (_where(s.a), _where(s.b)))[:KEPT_PER_PAIR]
        kept += shares
    return frozenset(kept)


class Flow:
    def __init__(self, rep, sharing: Sharing, types: dict | None, callee_changes: dict, on_default):
        self.rep = rep
        self.sh = sharing
        self.types = types or {}
        self.callee_changes = callee_changes  # callee -> {param: (depth, node)}
        self.on_default = on_default          # (param, change node) -> None: the warning
        self.loops: list[tuple[list, list]] = []
        self.loop_nodes: list[ast.AST] = []   # the enclosing loops, outermost first
        self.tries: list[set] = []            # states inside enclosing try bodies (an error may leave there)
        self.finals: list[list] = []          # states of returns leaving through enclosing finally blocks

    # ------------------------------------------------------------------ statements

    def block(self, stmts: list[ast.stmt], state, later: frozenset):
        rests, rest = [], later  # what the statements after each one read: one pass from the end
        for node in reversed(stmts):
            rests.append(rest)
            rest = rest | _loads(node)
        rests.reverse()
        for node, rest in zip(stmts, rests):
            if state is None:
                return None
            state = self.stmt(node, state, rest)
        return state

    def stmt(self, node: ast.stmt, state, later):
        for collected in self.tries:
            collected.add(state)
        out = self._stmt(node, state, later)
        if out is not None:
            for collected in self.tries:
                collected.add(out)
        return out

    def _stmt(self, node, state, later):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass, ast.Global,
                             ast.Nonlocal, ast.Import, ast.ImportFrom)):
            return state
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Delete)):
            self.check(node, state, later)
            return self.transfer(node, state)
        if isinstance(node, ast.Return):
            self.check(node, state, later)
            if node.value is not None:
                state = state | self.gen(RETURN, 0, node.value, node.value, "is the value returned here",
                                         "is part of the value returned here", state)
            if self.finals:
                self.finals[-1].append(state)
            return None
        if isinstance(node, ast.Raise):
            self.check(node, state, later)
            return None
        if isinstance(node, (ast.Break, ast.Continue)):
            if self.loops:
                self.loops[-1][0 if isinstance(node, ast.Break) else 1].append(state)
            return None
        if isinstance(node, ast.If):
            self.check(node.test, state, later | _loads(node))
            return _join(self.block(node.body, state, later), self.block(node.orelse, state, later))
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)):
            return self.loop(node, state, later)
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return self.try_(node, state, later)
        if isinstance(node, ast.Match):
            self.check(node.subject, state, later | _loads(node))
            outs = [state]  # no case matched
            for case in node.cases:
                inner = state
                for p in ast.walk(case.pattern):
                    if isinstance(p, ast.MatchAs) and p.name:
                        inner = self.kill(inner, p.name) | self.gen(p.name, 0, node.subject, p,
                                                                      f"is bound to '{ast.unparse(node.subject)}'",
                                                                      "is stored here as it is", inner)
                outs.append(self.block(case.body, inner, later))
            return _join(*outs)
        if isinstance(node, ast.With):
            return self.block(node.body, state, later)
        return state

    def loop(self, node, state, later):
        # The next iteration reads what the body (and a while's test) reads; a for's iterable was
        # read once, before the first iteration (the machine walks a snapshot, so does Python's list).
        inside = later | _loads(ast.Module(node.body, [])) | (_loads(node.test) if isinstance(node, ast.While)
                                                                else frozenset())
        if isinstance(node, ast.While):
            self.check(node.test, state, inside)
        else:
            self.check(node.iter, state, inside)
        head, preds = state, [state]
        while True:
            breaks, continues = [], []
            self.loops.append((breaks, continues))
            self.loop_nodes.append(node)
            try:
                # A for binds its target on every way into an iteration, each on its own: joined
                # first, an old object of the name (shared with one path's names) would seem shared
                # with the other path's.
                entry = head if isinstance(node, ast.While) else \
                    _join(*(self.bind_loop_target(node, p) for p in preds if p is not None))
                body = self.block(node.body, entry, inside)
            finally:
                self.loops.pop()
                self.loop_nodes.pop()
            preds = [state, body, *continues]
            new_head = _canonical(_join(*preds))
            if new_head == head:
                break
            if new_head is not None and len(new_head) > MAX_SHARES:
                # (the workflows of the tests stay under 300; a fuzzed mutant grew past 12,000 and
                # took minutes: a clear refusal within a second instead)
                raise self.rep.error(node, f"this loop makes more than {MAX_SHARES:,} pairs of names that may "
                                     "share a list or dict: too many for pysfn's check that a change in place "
                                     "shows the same way in the state machine",
                                     "split the function, or copy values (list(x), dict(x)) where they are stored")
            head = new_head
        return _join(self.block(node.orelse, head, later), *breaks)

    def bind_loop_target(self, node: ast.For, state):
        names = [n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)]
        for name in names:
            state = self.kill(state, name)
        env: dict = {}
        self.sh.bind_target(node.target, self.sh.items_of(node.iter, {}), env)
        new = set()
        for t in (n for n in ast.walk(node.target) if isinstance(n, ast.Name)):
            for n, dv, dn, at in env.get(t.id, []):
                if n != t.id and not n.startswith("<"):
                    new.add(Share(End(t.id, dv, t, "is an item of what the loop iterates"),
                                  End(n, dn, at, f"has its items bound to the loop variable '{t.id}'")))
        return state | new

    def try_(self, node, state, later):
        handler_loads = frozenset().union(*(_loads(h) for h in node.handlers)) if node.handlers else frozenset()
        inner_later = later | handler_loads | _loads(ast.Module(node.orelse + node.finalbody, []))
        returns: list = []
        if node.finalbody:
            self.finals.append(returns)
        errors: set = {state}
        self.tries.append(errors)
        try:
            body = self.block(node.body, state, inner_later)
        finally:
            self.tries.pop()
        try:
            escaping = _join(*errors)
            outs = [self.block(node.orelse, body, later | _loads(ast.Module(node.finalbody, [])))]
            for h in node.handlers:
                entry = self.kill(escaping, h.name) if h.name else escaping
                outs.append(self.block(h.body, entry, later | _loads(ast.Module(node.finalbody, []))))
        finally:
            if node.finalbody:
                self.finals.pop()
        normal = _join(*outs)
        if not node.finalbody:
            return normal
        final = self.block(node.finalbody, _join(normal, escaping, *returns), later)
        if returns and self.finals and final is not None:
            self.finals[-1].append(final)  # the return goes on through the outer finally blocks
        return final if normal is not None else None

    # ------------------------------------------------------------------ facts

    def kill(self, state, name: str):
        """``name`` is bound again: its old object stays shared between the others that hold it."""
        if state is None:
            return None
        touching, with_itself = [], False
        for s in state:  # (one pass of plain comparisons: this runs once per assignment)
            a, b = s.a, s.b
            if a.name == name:
                if b.name == name:
                    with_itself = True
                else:
                    touching.append((s, a, b))
            elif b.name == name:
                touching.append((s, b, a))
        if not touching:  # its shares with itself go, if any; else nothing changes
            return frozenset(s for s in state if s.a.name != name) if with_itself else state
        out = {s for s in state if s.a.name != name and s.b.name != name}
        if len(touching) > 16:  # the pairs below are its square: the earliest places per (depth, name, depth)
            groups: dict[tuple, list] = {}
            for t in sorted(touching, key=lambda t: (_where(t[1]), _where(t[2]))):
                group = groups.setdefault((t[1].depth, t[2].name, t[2].depth), [])
                if len(group) < KEPT_PER_PAIR:
                    group.append(t)
            touching = [t for group in groups.values() for t in group]
        for s1, m1, o1 in touching:
            for s2, m2, o2 in touching:
                if s1 is s2 or o1.name == o2.name:
                    continue
                if m1.depth >= m2.depth:
                    out.add(Share(o1, replace(o2, depth=min(o2.depth + m1.depth - m2.depth, MAX_DEPTH))))
                else:
                    out.add(Share(replace(o1, depth=min(o1.depth + m2.depth - m1.depth, MAX_DEPTH)), o2))
        return _canonical(frozenset(out))

    def gen(self, target: str, depth: int, value: ast.expr, at: ast.AST, target_why: str, source_why: str,
            state) -> frozenset:
        """The shares of ``target`` (at ``depth``) holding ``value``."""
        new = set()
        for n, dv, dn, node in self.sh.shares(value):
            if n == target or n.startswith("<"):
                continue
            new.add(Share(End(target, min(depth + dv, MAX_DEPTH), at, target_why), End(n, dn, node, source_why)))
        return frozenset(new)

    def transfer(self, node, state):
        if isinstance(node, ast.AnnAssign):
            if node.value is None:
                return state
            node = ast.copy_location(ast.Assign([node.target], node.value), node)
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for t in node.targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and t is not n \
                            and not isinstance(t, ast.Subscript):
                        state = self.kill(state, n.id)
            for name in names:
                state = self.kill(state, name)
            new = set()
            for t in node.targets:
                if isinstance(t, ast.Name):
                    new |= self.gen(t.id, 0, node.value, node.value, f"is bound to '{ast.unparse(node.value)}'",
                                    "is stored here as it is", state)
                    repeated = repeated_depth(node.value)
                    if repeated is not None:  # [[]] * 3: one object at several places (aliasing_repeats)
                        why = f"holds one object at several places ('{ast.unparse(node.value)}')"
                        end = End(t.id, min(repeated, MAX_DEPTH), node.value, why)
                        new.add(Share(end, end))
                elif isinstance(t, ast.Subscript):
                    root, subscripts = _root(t)
                    if root is not None:
                        new |= self.gen(root, subscripts, node.value, t, f"holds '{ast.unparse(node.value)}' "
                                        f"(stored at line {node.lineno})", "is stored here as it is", state)
                        new |= self.repeated_store(root, subscripts, node.value, t)
                elif isinstance(t, (ast.Tuple, ast.List)):
                    new |= self.unpacked(t, node.value, state)
            if len(node.targets) > 1 and not isinstance(node.value, ast.Constant):
                named = [t for t in node.targets if isinstance(t, ast.Name)]
                for a in named:
                    for b in named:
                        if a is not b:
                            why = "is bound to the same object as the other targets"
                            new.add(Share(End(a.id, 0, a, why), End(b.id, 0, b, why)))
            return state | new
        if isinstance(node, ast.AugAssign):
            root, subscripts = _root(node.target)
            if isinstance(node.target, ast.Name) and not (isinstance(node.op, ast.Add) and _maybe_list(node, self.types)):
                return self.kill(state, node.target.id)  # numbers, strings: a new value
            if root is not None and isinstance(node.op, ast.Add):  # xs += ys: ys's items are now xs's
                return state | self.gen(root, subscripts + 1, ast.copy_location(
                    ast.Subscript(node.value, ast.Constant(0), ast.Load()), node.value), node,
                    f"holds the items of '{ast.unparse(node.value)}'", "is stored here as it is", state)
            return state
        if isinstance(node, ast.Delete):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    state = self.kill(state, t.id)
            return state
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            return state | self.stored_by_method(node.value, state)
        return state

    def unpacked(self, target: ast.Tuple, value: ast.expr, state) -> frozenset:
        new = set()
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            pairs = list(zip(target.elts, value.elts))
        else:
            pairs = [(t, ast.copy_location(ast.Subscript(value, ast.Constant(0), ast.Load()), value))
                     for t in target.elts]
        for t, v in pairs:
            if isinstance(t, ast.Name):
                new |= self.gen(t.id, 0, v, t, f"is bound to a part of '{ast.unparse(value)}'",
                                "is stored here as it is", state)
        return frozenset(new)

    def stored_by_method(self, call: ast.Call, state) -> frozenset:
        """``ys.append(x)``, ``d.update(other)``...: what the container now holds."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in STORING and call.args):
            return frozenset()
        root, subscripts = _root(func.value)
        if root is None:
            return frozenset()
        how = STORING[func.attr]
        value = call.args[-1] if how == "last" else call.args[0]
        if how == "items":  # extend(ys), update(d): the items of the argument
            value = ast.copy_location(ast.Subscript(value, ast.Constant(0), ast.Load()), value)
        return self.gen(root, subscripts + 1, value, call, f"holds '{ast.unparse(call.args[0])}' (stored at line "
                        f"{call.lineno})", "is stored here as it is", state) | \
            self.repeated_store(root, subscripts + 1, value, call)

    def repeated_store(self, root: str, depth: int, value: ast.expr, at: ast.AST) -> frozenset:
        """A store in a loop of an object no iteration makes anew: the container holds it at
        several places (``for _ in xs: ys.append(row)``), a share of the container with itself."""
        inner = stored_each_iteration(self.loop_nodes, self.sh.shares(value))
        if inner is None:
            return frozenset()
        end = End(root, min(depth + inner, MAX_DEPTH), at, f"holds '{ast.unparse(value)}' once per iteration of the "
                  f"loop at line {self.loop_nodes[-1].lineno} (one object at several places)")
        return frozenset({Share(end, end)})

    # ------------------------------------------------------------------ the check

    def check(self, node: ast.AST, state, later: frozenset) -> None:
        if state is None:
            return
        for name, depth, where in changes_of(node, self.types):
            for s in state:
                for mine, other in s.ends():
                    if mine.name != name or depth < mine.depth:
                        continue
                    if other.name == name:  # one object at several places of it: [[]] * 3
                        if self.live(name, depth, "", state, later):
                            raise self.rep.error(mine.node, f"'{name}' {mine.why}, and it is changed in place at "
                                                 f"line {where.lineno} through one of them: in Python every place "
                                                 "shows the change, in the state machine only the one changed",
                                                 "build a new object for each place: [[] for _ in range(n)] "
                                                 "instead of [[]] * n, [dict(row) for _ in ...], [x, list(x)]")
                        continue
                    if other.name.startswith("<default"):
                        self.on_default(other.name[len("<default "):-1], where)
                        continue
                    if other.name == RETURN:
                        raise self.rep.error(mine.node, f"'{name}' {mine.why}, and it is changed in place at line "
                                             f"{where.lineno} (a finally block, after the return): in Python the "
                                             "returned value shows the change, in the state machine it is the "
                                             "value as it was at the return", HINT.format(n=name))
                    if self.live(other.name, other.depth + depth - mine.depth, name, state, later):
                        hint = HINT.format(n=name) if mine.depth == 0 else (
                            f"a copy shares the items it holds: copy.deepcopy(...) makes them new too, or "
                            "build the changed item as a new value")
                        raise self.rep.error(mine.node, f"'{name}' {mine.why}, and it is changed in place at line "
                                             f"{where.lineno}: in Python the change would show through both names, "
                                             f"in the state machine only through '{name}'", hint)
        for name, depth, where in changes_of(node, self.types):
            twice = stored_twice(name, depth, state)  # ys.append(x); ys.append(x); ys[0].append(1)
            if twice is not None and self.live(name, depth, "", state, later):
                raise self.rep.error(twice[0], f"{twice[1]}, and it is changed in place at line {where.lineno} "
                                     "through one of them: in Python every place shows the change, in the "
                                     "state machine only the one changed",
                                     "store a copy at the second place: list(x) or dict(x)")
        self.check_callee_changes(node, state, later)

    def live(self, other: str, depth: int, changed: str, state, later) -> bool:
        """Is the changed object, seen as ``other`` at ``depth``, read after this point (or returned)
        through ``other`` or through anything else that holds it?"""
        seen, todo = {changed}, [(other, depth)]
        while todo:
            n, d = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            if n == RETURN or n in later:
                return True
            todo += [(o.name, min(o.depth + d - m.depth, MAX_DEPTH)) for s in state for m, o in s.ends()
                     if m.name == n and d >= m.depth]
        return False

    def check_callee_changes(self, node: ast.AST, state, later) -> None:
        """A callee changing its parameter in place changes the caller's object in Python only."""
        env: dict = {}  # a comprehension's variable is an item of what it iterates
        for comp in _walk_function(node):
            if isinstance(comp, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                for gen in comp.generators:
                    self.sh.bind_target(gen.target, self.sh.items_of(gen.iter, env), env)
        for call in _walk_function(node):
            if not isinstance(call, ast.Call):
                continue
            func, args = call.func, list(call.args)
            if self.sh.psf_attr is not None and self.sh.psf_attr(func) == "map" and len(args) == 2:
                # PSF.map(f, items): f is called with each item
                func, args = args[0], [ast.copy_location(ast.Subscript(args[1], ast.Constant(0), ast.Load()),
                                                         args[1])]
            if not (isinstance(func, ast.Name) and func.id in self.callee_changes):
                continue
            changes = self.callee_changes[func.id]
            fn = self.sh.callees[func.id]
            params = [p.arg for p in fn.args.posonlyargs + fn.args.args]
            given = list(zip(params, args)) + [(k.arg, k.value) for k in call.keywords if k.arg]
            for param, arg in given:
                if param not in changes:
                    continue
                depth, at = changes[param]
                for n, adv, adn, name_node in self.sh.shares(arg, env):
                    if n.startswith("<") or depth < adv:
                        continue
                    if self.live(n, adn + depth - adv, "", state, later):
                        raise self.rep.error(name_node, f"'{func.id}' changes its parameter '{param}' in place "
                                             f"(line {at.lineno}): in Python that changes '{n}' here too, in the "
                                             "state machine the callee works on a copy",
                                             f"return the changed value and assign it ({n} = "
                                             f"{func.id}(...)), or pass a copy: list({n}) or dict({n})")


def callee_changes(callees: dict) -> dict:
    """For each callee: the parameters its body changes in place, with the depth and the place."""
    out = {}
    for name, fn in callees.items():
        if fn is None:
            continue
        params = {p.arg for p in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        found = {}
        rebound = {n.id for n in _walk_function(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for param, depth, node in changes_of(ast.Module(fn.body, [])):
            if param in params and param not in rebound and param not in found:
                found[param] = (depth, node)
        if found:
            out[name] = found
    return out


def check_aliasing(fn: ast.FunctionDef, rep, callees: dict | None = None, types: dict | None = None,
                   psf_attr=None, defaults: dict | None = None, on_default=None) -> None:
    """Refuse, at the line, a change in place that CPython would show through another name.

    ``callees``: name -> FunctionDef of the module's callees; ``defaults``: entry parameter ->
    its list/dict default node (changed in place: ``on_default(param, node)`` warns)."""
    callees = callees or {}
    sharing = Sharing(callees, psf_attr)
    state = set()
    for param, node in (defaults or {}).items():
        state.add(Share(End(param, 0, node, "is the default"), End(DEFAULT % param, 0, node, "")))
    warned: set = set()

    def default_changed(param, where):
        if on_default is not None and param not in warned:
            warned.add(param)
            on_default(param, where)

    flow = Flow(rep, sharing, types, callee_changes(callees), default_changed)
    try:
        flow.block(fn.body, frozenset(state), frozenset())
    finally:
        _LOADS.clear()  # holds the function's nodes: keep nothing alive after the analysis


__all__ = ["check_aliasing", "callee_changes", "Flow", "_inside", "_item"]
