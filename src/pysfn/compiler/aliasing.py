"""The one case where a change in place is not a new value: two names for one object.

pysfn compiles ``xs.append(v)`` as ``xs = xs + [v]`` (see ``changes.py``): Step Functions
variables hold values, not objects. In Python the append is also seen through every other name
(or container slot, or returned value) that holds the same list. So the compiler must know,
at every change in place, whether the object changed is *shared*, and refuse the line if
CPython would show the change somewhere the machine does not.

This is a flow-sensitive analysis over the function's statements (an abstract interpretation:
loops to a fixed point, branches joined, ``try`` handlers and ``finally`` entered from every
point of their body). Its facts are *shares*: "the object at depth ``a`` under name A is the
object at depth ``b`` under name B" (depth 0 is the name's own object, 1 an item of it, ...):

    y = x                    (y,0)~(x,0)          y = [x], d[k] = x, ys.append(x)   (y,1)~(x,0)
    y = d[k], d.get(k)       (y,0)~(d,1)          y = list(x), dict(x), x[:]        (y,1)~(x,1)
    for v in xs              (v,0)~(xs,1)         return {"log": log}              (RETURN,1)~(log,0)
    y = callee(x)            what the callee returns of its parameters (read from its body)

A share is made where the value is bound, and ends when a name is bound again (``y = []``:
what the old object shared is carried over to the names that still hold it). A change in place
of A at depth c (``A.append``: 0, ``A[i].append``: 1, ``A[i] = v``: 0) reaches a share of A at
depth a when c >= a; it is refused when the other side (or anything sharing with it) is read
later, or is the returned value (a ``finally`` changing what ``return`` handed over). So
``items = []; for ...: items.append(x); out["items"] = items`` is fine when neither changes
afterwards, and a copy (``dict(x)``, ``list(x)``, ``x.copy()``, ``x[:]``) shares only its items.

Two more forms of sharing are checked with the same facts: a callee that changes its parameter
in place (natively the caller's object changes, in the machine the callee gets a copy), and a
list/dict default of the entry changed in place (it persists across calls in CPython, not across
executions: a warning).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from pysfn.compiler.changes import CHANGING_METHODS

RETURN = "<return>"       # the value handed over by a `return` (the finally blocks still run)
DEFAULT = "<default %s>"  # the default object of an entry parameter
MAX_DEPTH = 6             # deeper shares are kept at this depth (more changes reach them: safe)
COPIES = {"list", "dict", "tuple", "sorted", "reversed", "set", "frozenset"}
ITEM_OF = {"min", "max", "next"}
STORING = {"append": "item", "insert": "last", "extend": "items", "update": "items",
           "setdefault": "last", "__iadd__": "items"}


@dataclass(frozen=True)
class End:
    name: str
    depth: int
    node: ast.AST   # where this side is named, for the message
    why: str        # "'y' <why>, and it is changed in place at line N"


@dataclass(frozen=True)
class Share:
    a: End
    b: End

    def __hash__(self) -> int:  # kept: states are sets of thousands of shares, hashed at every join
        try:
            return self.__dict__["_hash"]
        except KeyError:
            value = hash((self.a, self.b))
            object.__setattr__(self, "_hash", value)
            return value

    def ends(self):
        return ((self.a, self.b), (self.b, self.a))


def _root(node: ast.expr) -> tuple[str | None, int]:
    """The name under a chain of subscripts, and how many subscripts there are."""
    n = 0
    while isinstance(node, ast.Subscript):
        node, n = node.value, n + 1
    return (node.id if isinstance(node, ast.Name) else None), n


def _walk_function(node: ast.AST):
    """``ast.walk`` that does not enter nested functions (they have their own locals)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                todo.append(child)


def changes_of(node: ast.AST, types: dict | None = None) -> list[tuple[str, int, ast.AST]]:
    """The changes in place a statement (or expression) makes: (name, depth of the object changed, node)."""
    out = []
    for n in _walk_function(node):
        targets: list[tuple[ast.expr, int]] = []
        if isinstance(n, (ast.Assign, ast.Delete)):
            targets = [(t, -1) for t in n.targets if isinstance(t, ast.Subscript)]
        elif isinstance(n, ast.AugAssign):
            if isinstance(n.target, ast.Subscript):
                targets = [(n.target, -1)]
            elif isinstance(n.target, ast.Name) and isinstance(n.op, ast.Add) and _maybe_list(n, types):
                targets = [(n.target, 0)]  # xs += ys extends the list in place
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CHANGING_METHODS:
            targets = [(n.func.value, 0)]
        for t, shift in targets:
            name, subscripts = _root(t)
            if name is not None:
                out.append((name, max(subscripts + shift, 0), n))
    return out


def _maybe_list(node: ast.AugAssign, types: dict | None) -> bool:
    if isinstance(node.value, (ast.List, ast.ListComp)):
        return True
    known = (types or {}).get(node.target.id)
    return known is None or "list" in known


def changed_in_place(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Locals changed in place, each with the first place it happens."""
    changed: dict[str, ast.AST] = {}
    for stmt in body:
        for name, _, node in changes_of(stmt):
            changed.setdefault(name, node)
    return changed


# ---------------------------------------------------------------------------------------------
# What a value shares: entries (name, dv, dn, node): value-at(dv + q) is name-at(dn + q), q >= 0

def _item(entries):
    """``value[k]``: one level down."""
    return [(n, dv - 1, dn, node) if dv > 0 else (n, 0, min(dn + 1, MAX_DEPTH), node) for n, dv, dn, node in entries]


def _copy(entries):
    """``list(value)``: a new top level, the same items."""
    return [(n, dv, dn, node) if dv > 0 else (n, 1, min(dn + 1, MAX_DEPTH), node) for n, dv, dn, node in entries]


def _inside(entries, levels: int = 1):
    return [(n, min(dv + levels, MAX_DEPTH), dn, node) for n, dv, dn, node in entries]


class Sharing:
    """Computes what values share (``shares``), with the callees' bodies to look into."""

    def __init__(self, callees: dict, psf_attr):
        self.callees = callees  # name -> ast.FunctionDef of callees of the module
        self.psf_attr = psf_attr
        self._returns: dict[str, list] = {}

    def shares(self, e: ast.expr, env: dict | None = None) -> list:
        env = env or {}
        if isinstance(e, ast.Name):
            return list(env[e.id]) if e.id in env else [(e.id, 0, 0, e)]
        if isinstance(e, ast.Subscript):
            inner = self.shares(e.value, env)
            return _copy(inner) if isinstance(e.slice, ast.Slice) else _item(inner)
        if isinstance(e, (ast.IfExp,)):
            return self.shares(e.body, env) + self.shares(e.orelse, env)
        if isinstance(e, ast.BoolOp):
            return [x for v in e.values for x in self.shares(v, env)]
        if isinstance(e, ast.NamedExpr):
            return self.shares(e.value, env)
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            out = []
            for elt in e.elts:
                if isinstance(elt, ast.Starred):
                    out += _copy(self.shares(elt.value, env))
                else:
                    out += _inside(self.shares(elt, env))
            return out
        if isinstance(e, ast.Dict):
            out = []
            for k, v in zip(e.keys, e.values):
                out += _copy(self.shares(v, env)) if k is None else _inside(self.shares(v, env))
            return out
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = dict(env)
            for gen in e.generators:
                self.bind_target(gen.target, self.items_of(gen.iter, inner), inner)
            elt = e.value if isinstance(e, ast.DictComp) else e.elt
            return _inside(self.shares(elt, inner))
        if isinstance(e, ast.Call):
            return self.call_shares(e, env)
        return []

    def call_shares(self, e: ast.Call, env) -> list:
        func = e.func
        if isinstance(func, ast.Name) and func.id in self.callees and self.callees[func.id] is not None:
            return self.callee_result(func.id, e, env)
        if isinstance(func, ast.Name) and len(e.args) == 1 and func.id in COPIES | ITEM_OF:
            inner = self.shares(e.args[0], env)
            return _copy(inner) if func.id in COPIES else _item(inner)
        if isinstance(func, ast.Name) and func.id in ITEM_OF:
            return [x for a in e.args for x in self.shares(a, env)]
        if isinstance(func, ast.Attribute):
            if func.attr == "copy" and not e.args:
                return _copy(self.shares(func.value, env))
            if func.attr in ("get", "setdefault"):
                default = [x for a in e.args[1:] for x in self.shares(a, env)]
                return _item(self.shares(func.value, env)) + default
        return []  # a new value (an operation, a library call, a Task's result)

    def callee_result(self, name: str, call: ast.Call, env) -> list:
        """What ``name(...)`` returns of its arguments, from the callee's ``return`` statements."""
        fn = self.callees[name]
        if name not in self._returns:
            self._returns[name] = []  # recursion: nothing known yet
            returned = []
            for n in _walk_function(fn):
                if isinstance(n, ast.Return) and n.value is not None:
                    returned += self.shares(n.value)
            self._returns[name] = returned
        params = [p.arg for p in fn.args.posonlyargs + fn.args.args]
        given = dict(zip(params, call.args))
        given.update({k.arg: k.value for k in call.keywords if k.arg})
        out = []
        for p, dv, dn, _ in self._returns[name]:
            if p not in given:
                continue
            for n, adv, adn, node in self.shares(given[p], env):  # p-at(adv + r) is n-at(adn + r)
                if dn >= adv:
                    out.append((n, dv, min(adn + dn - adv, MAX_DEPTH), node))
                else:
                    out.append((n, min(dv + adv - dn, MAX_DEPTH), adn, node))
        return out

    def items_of(self, it: ast.expr, env) -> list:
        """What one item of ``for _ in it`` shares."""
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.args:
            if it.func.id == "enumerate":
                return [("<index>", 0, 0, it)] + _inside(_item(self.shares(it.args[0], env)))  # [i, item]
            if it.func.id == "zip":
                return [x for k, a in enumerate(it.args) for x in _inside(_item(self.shares(a, env)))]
            if it.func.id in ("reversed", "sorted", "list", "tuple", "filter") and len(it.args) >= 1:
                return _item(self.shares(it.args[-1], env))
            if it.func.id == "range":
                return []
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args:
            if it.func.attr == "values":
                return _item(self.shares(it.func.value, env))
            if it.func.attr == "items":  # [key, value]: the value is an item of the dict
                return _inside(_item(self.shares(it.func.value, env)))
            if it.func.attr == "keys":
                return []
        return _item(self.shares(it, env))

    @staticmethod
    def bind_target(target: ast.expr, entries: list, env: dict) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = entries
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                Sharing.bind_target(elt.value if isinstance(elt, ast.Starred) else elt, _item(entries), env)
