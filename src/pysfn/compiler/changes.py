"""Changes in place (``d[k] = v``, ``xs.append(v)``, ``del d[k]``, ``x += 1``...) as new values.

Values in a workflow are JSON, and a Step Functions variable holds a value, not a
reference: a change in place of a local is the same as giving the variable its changed
value. That equivalence fails only when two names share one object, which
``compiler/aliasing.py`` rules out before anything here runs.

This module has both halves of the translation of a change: the statement forms the
front end accepts (``ChangeCompiler``, a mixin of ``FunctionCompiler``) and the JSONata
that computes the changed container (``change``, registered with the JSONata generator).
Lists are rebuilt with ``$reduce``/``$append`` and every item is boxed, because JSONata
flattens an array put into an array constructor and unwraps a one-item result.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir
from pysfn.compiler.dicts import dict_change
from pysfn.compiler import numbers
from pysfn.compiler.numbers import tag
from pysfn.compiler.jsonata import T, expression
from pysfn.compiler.loops import integer, iterated, py_type, typed_error, unpack_check

# list/dict methods that change the object they are called on, and how many arguments they take
LIST_METHODS = {"append": (1, 1), "extend": (1, 1), "insert": (2, 2), "pop": (0, 1), "clear": (0, 0),
                "remove": (1, 1)}
DICT_METHODS = {"update": (1, 1), "pop": (1, 2), "clear": (0, 0), "setdefault": (1, 2)}
CHANGING_METHODS = set(LIST_METHODS) | set(DICT_METHODS)
AUG_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**"}


class ChangeCompiler:
    """Statement forms that change a local in place (mixed into ``FunctionCompiler``)."""

    def root_var(self, target: ast.expr) -> ast.Name:
        """The local at the root of ``d[a][b]``, which gets the changed value."""
        node = target
        while isinstance(node, ast.Subscript):
            node = node.value
        if not isinstance(node, ast.Name) or self.scope.lookup(node.id) is None:
            raise self.rep.error(target, f"'{ast.unparse(target)}' is not a local variable of the workflow",
                                 "only local variables (and items inside them) can be changed here")
        if node.id not in self.scope.vars:  # a Parallel branch reading its enclosing function's variable
            raise self.rep.error(target, f"a parallel branch cannot change '{node.id}' of the enclosing function "
                                 "(Step Functions branches cannot assign outer variables)",
                                 f"return the new value from the branch: {node.id} = PSF.parallel(...)[i]")
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
            raise self.rep.error(target, "assignment to a slice is not supported",
                                 "build the new list: xs = xs[:i] + new + xs[j:]")
        return node

    def set_path(self, target: ast.expr, new_value: ir.Expr, loc) -> tuple[str, ir.Expr]:
        """``d[a][b] = v`` -> (d, d with [a] replaced by (d[a] with [b] replaced by v))."""
        while isinstance(target, ast.Subscript):
            container = self.expr(target.value)
            new_value = ir.Change("setitem", container, (self.expr(target.slice), new_value), loc)
            target = target.value
        return self.scope.lookup(target.id), new_value

    def assign_to_subscript(self, target: ast.Subscript, value: ast.expr) -> list[ir.Stmt]:
        self.root_var(target)
        var, new = self.set_path(target, self.expr(value), self.loc(target))
        return [ir.Rebind(((var, new),), self.loc(target))]

    def stmt_AugAssign(self, node: ast.AugAssign) -> list[ir.Stmt]:
        if type(node.op) not in AUG_OPS:
            raise self.rep.error(node, f"'{ast.unparse(node)}': this operator is not supported in a workflow",
                                 "compute it inside a callee")
        target = node.target
        if isinstance(target, ast.Name):
            self.root_var(target)
        elif isinstance(target, ast.Subscript):
            self.root_var(target)
        else:
            raise self.rep.error(target, "only a local variable or an item of one can be updated here",
                                 "x += 1 or d[\"k\"] += 1")
        load = ast.copy_location(ast.Name(target.id, ast.Load()), target) if isinstance(target, ast.Name) \
            else target
        value = ast.copy_location(ast.BinOp(load, node.op, node.value), node)
        value.pysfn_augmented = True  # CPython's errors name the operator "+=", not "+"
        if isinstance(node.value, ast.Call) and self.is_call_of_callee_or_api(node.value):
            raise self.rep.error(node.value, "a callee call cannot be part of an augmented assignment",
                                 f"assign it first: result = {ast.unparse(node.value)}; "
                                 f"{ast.unparse(target)} {AUG_OPS[type(node.op)]}= result")
        if isinstance(target, ast.Name):
            return [ir.Rebind(((self.scope.lookup(target.id), self.expr(value)),), self.loc(node))]
        var, new = self.set_path(target, self.expr(value), self.loc(node))
        return [ir.Rebind(((var, new),), self.loc(node))]

    def stmt_Delete(self, node: ast.Delete) -> list[ir.Stmt]:
        out = []
        for target in node.targets:
            if not isinstance(target, ast.Subscript):
                raise self.rep.error(target, "only items can be deleted ('del d[key]', 'del xs[i]')",
                                     "rebind the variable instead: x = None")
            self.root_var(target)
            changed = ir.Change("delitem", self.expr(target.value), (self.expr(target.slice),), self.loc(target))
            var, new = self.set_path(target.value, changed, self.loc(target)) \
                if isinstance(target.value, ast.Subscript) else (self.scope.lookup(target.value.id), changed)
            out.append(ir.Rebind(((var, new),), self.loc(target)))
        return out

    def changing_call(self, call: ast.Call) -> bool:
        """``x.append(...)`` and the other changes in place of a local (or of an item of one)."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in CHANGING_METHODS):
            return False
        node = func.value
        while isinstance(node, ast.Subscript):
            node = node.value
        return isinstance(node, ast.Name) and self.scope.lookup(node.id) is not None

    def method_change(self, call: ast.Call, result: str | None) -> list[ir.Stmt]:
        """``x.append(v)`` -> ``x = x + [v]``; with ``result``, also ``result = <return value>``."""
        func = call.func
        method, obj = func.attr, func.value
        self.root_var(obj)
        if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
            raise self.rep.error(call, f".{method}() takes positional arguments here",
                                 f"{ast.unparse(obj)}.{method}(value)")
        low = min(LIST_METHODS.get(method, (9, 9))[0], DICT_METHODS.get(method, (9, 9))[0])
        high = max(LIST_METHODS.get(method, (0, 0))[1], DICT_METHODS.get(method, (0, 0))[1])
        if not low <= len(call.args) <= high:
            raise self.rep.error(call, f".{method}() takes {low}..{high} arguments, {len(call.args)} given",
                                 "see the Python documentation of list and dict")
        loc = self.loc(call)
        before: list[ir.Stmt] = []
        arg_nodes = []
        for a in call.args:  # xs.append(f(x)): the callee's Task first, into a hidden variable
            if isinstance(a, ast.Call) and self.is_call_of_callee_or_api(a):
                hoisted, a = self.hoist_call(a)
                before += hoisted
            arg_nodes.append(a)
        container = self.expr(obj)
        args = tuple(self.expr(a) for a in arg_nodes)
        # pop and setdefault by arity; list.pop(i) or dict.pop(k) is decided at run time by the type
        op = method + str(len(args)) if method in ("pop", "setdefault") else method
        changed = ir.Change(op, container, args, loc)
        var, new = self.set_path(obj, changed, loc) if isinstance(obj, ast.Subscript) \
            else (self.scope.lookup(obj.id), changed)
        targets = [(var, new)]
        if result is not None:
            if method not in ("pop", "setdefault"):
                targets.insert(0, (result, ir.Const(None, loc)))  # they all return None
            else:
                targets.insert(0, (result, ir.Change("returned_" + op, container, args, loc)))
        return before + [ir.Rebind(tuple(targets), loc)]

    def unpack_expression(self, targets: list[ast.expr], value: ast.expr, node: ast.stmt) -> list[ir.Stmt]:
        """``a, b = b, a`` (all at once, from the values before) and ``a, b = pair``."""
        names = []
        for t in targets:
            if not isinstance(t, ast.Name):
                raise self.rep.error(t, "only names can be unpacked into here", "a, b = ...")
            names.append(self.scope.lookup(t.id))
        loc = self.loc(node)
        if isinstance(value, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in value.elts):
            if len(value.elts) != len(names):
                word = "not enough" if len(value.elts) < len(names) else "too many"
                raise self.rep.error(node, f"{word} values to unpack (expected {len(names)}, "
                                     f"got {len(value.elts)})", "use as many names as values")
            return [ir.Rebind(tuple(zip(names, (self.expr(e) for e in value.elts))), loc)]
        whole = self.expr(value)
        n = ir.Const(len(names), loc)
        return [ir.Rebind(tuple((name, ir.Change("unpack", whole, (ir.Const(k, loc), n), loc))
                                for k, name in enumerate(names)), loc)]


# --------------------------------------------------------------------------- JSONata

def box(value: str) -> str:
    """A one-item array holding ``value``, to be ``$append``-ed without being flattened."""
    b = f"{T}bx"
    return f"({b} := {value}; $type({b}) = 'array' ? [[{b}]] : [{b}])"


def _rebuild(c: str, body: str) -> str:
    """A list built item by item from list ``c``; ``body`` sees ``$pysfn__a`` (the list so far),
    ``$pysfn__x`` (the item) and ``$pysfn__n`` (its index)."""
    return f"$reduce({c}, function({T}a, {T}x, {T}n) {{ {body} }}, [])"


def _no_attribute(c: str, method: str) -> str:
    return typed_error("AttributeError", c, f"object has no attribute {method!r}")


def _index(c: str, raw: str, what: str = "index") -> str:
    """A list index as Python takes it (an int or bool), made non-negative; may be out of range."""
    i = f"{T}ix"
    return (f"({i} := {integer(raw, what)}; {i} < 0 ? {i} + $count({c}) : {i})")


def _key_error(k: str) -> str:
    """KeyError worded as CPython's str() of it: the key's repr (a str key in quotes)."""
    return f"$error('KeyError: ' & ($type({k}) = 'string' ? \"'\" & {k} & \"'\" : $string({k})))"


def _setitem(c: str, k: str, v: str) -> str:
    j = f"{T}j"
    on_list = (f"({j} := {_index(c, k, 'subscript')}; {j} >= 0 and {j} < $count({c}) ? "
               + _rebuild(c, f"$append({T}a, {T}n = {j} ? {box(v)} : {box(T + 'x')})")
               + " : $error('IndexError: list assignment index out of range'))")
    on_dict = (f"($type({k}) = 'string' ? $merge([{c}, {{{k}: {v}}}]) : $error('TypeError: pysfn: the keys "
               f"of a dict in a workflow are str (JSON), not ' & {py_type(k)}))")
    return (f"$type({c}) = 'object' and $not({tag(c)}) ? {on_dict} : $type({c}) = 'array' ? {on_list} "
            f": {typed_error('TypeError', c, 'object does not support item assignment')}")


def _without_key(c: str, k: str) -> str:
    r = f"{T}r"
    return (f"({r} := $sift({c}, function({T}sv, {T}k) {{ {T}k != {k} }}); $exists({r}) ? {r} : {{}})")


def _delitem(c: str, k: str) -> str:
    j = f"{T}j"
    on_list = (f"({j} := {_index(c, k, 'subscript')}; {j} >= 0 and {j} < $count({c}) ? "
               + _rebuild(c, f"{T}n = {j} ? {T}a : $append({T}a, {box(T + 'x')})")
               + " : $error('IndexError: list assignment index out of range'))")
    on_dict = f"($exists($lookup({c}, {k})) and $type({k}) = 'string' ? {_without_key(c, k)} : {_key_error(k)})"
    return (f"$type({c}) = 'object' and $not({tag(c)}) ? {on_dict} : $type({c}) = 'array' ? {on_list} "
            f": {typed_error('TypeError', c, 'object does not support item deletion')}")


def _pop_index(c: str, args: list[str]) -> str:
    """The index ``xs.pop(i)`` removes, checked (IndexError as Python words it)."""
    raw = args[0] if args else "-1"
    j = f"{T}j"
    return (f"({j} := {_index(c, raw)}; $count({c}) = 0 ? $error('IndexError: pop from empty list') "
            f": {j} >= 0 and {j} < $count({c}) ? {j} : $error('IndexError: pop index out of range'))")


def _remove(c: str, x: str) -> str:
    """``xs.remove(x)``: without the first item equal to ``x`` (as ``==``/``in`` compare: bools as
    0/1), or CPython's ValueError when there is none."""
    v, j = f"{T}v", f"{T}jr"
    same = f"({numbers.is_number(v)} and {numbers.is_number(x)} ? {numbers.num(v)} = {numbers.num(x)} : {v} = {x})"
    find = f"$reduce({c}, function({T}fa, {v}, {T}fn) {{ {T}fa >= 0 ? {T}fa : {same} ? {T}fn : -1 }}, -1)"
    rebuilt = _rebuild(c, f"{T}n = {j} ? {T}a : $append({T}a, {box(T + 'x')})")
    return f"({j} := {find}; {j} < 0 ? $error('ValueError: list.remove(x): x not in list') : {rebuilt})"


def change(e: ir.Change) -> str:
    """JSONata for the changed container (or, for ``popped*``/``unpack``, the value given back)."""
    c = f"{T}c"
    args = [f"{T}p{k}" for k in range(len(e.args))]
    binds = f"{c} := {expression(e.target)}; " + "".join(
        f"{a} := {expression(x)}; " for a, x in zip(args, e.args))
    is_list, is_dict = f"$type({c}) = 'array'", f"$type({c}) = 'object' and $not({tag(c)})"
    op = e.op
    dict_body = dict_change(op, c, args)  # {**a, **b}, dict(a, **b) (compiler/dicts.py)
    if dict_body is not None:
        body = dict_body
    elif op == "remove":
        body = f"{is_list} ? {_remove(c, args[0])} : {_no_attribute(c, 'remove')}"
    elif op == "setitem":
        body = _setitem(c, *args)
    elif op == "delitem":
        body = _delitem(c, *args)
    elif op == "append":
        body = f"{is_list} ? $append({c}, {box(args[0])}) : {_no_attribute(c, 'append')}"
    elif op == "extend":
        body = f"{is_list} ? $append({c}, {iterated(args[0])}) : {_no_attribute(c, 'extend')}"
    elif op == "insert":
        j = f"{T}j"
        at = (f"({j} := {_index(c, args[0])}; {j} < 0 ? 0 : {j})")
        body = (f"{is_list} ? ({j} := {at}; {j} >= $count({c}) ? $append({c}, {box(args[1])}) : "
                + _rebuild(c, f"{T}n = {j} ? $append($append({T}a, {box(args[1])}), {box(T + 'x')}) "
                              f": $append({T}a, {box(T + 'x')})")
                + f") : {_no_attribute(c, 'insert')}")
    elif op == "update":
        o = args[0]
        body = (f"{is_dict} ? ($type({o}) = 'object' ? $merge([{c}, {o}]) : $error('TypeError: pysfn: "
                f"dict.update() takes a dict here')) : {_no_attribute(c, 'update')}")
    elif op == "clear":
        body = f"{is_list} ? [] : {is_dict} ? {{}} : {_no_attribute(c, 'clear')}"
    elif op in ("pop0", "pop1", "returned_pop0", "returned_pop1"):
        returned = op.startswith("returned_")
        j = f"{T}jj"
        new = _rebuild(c, f"{T}n = {j} ? {T}a : $append({T}a, {box(T + 'x')})")
        list_part = f"({j} := {_pop_index(c, args)}; {c}[{j}])" if returned \
            else f"({j} := {_pop_index(c, args)}; {new})"
        if op.endswith("0"):
            body = f"{is_list} ? {list_part} : {_no_attribute(c, 'pop')}"
        else:
            k = args[0]
            found = f"$lookup({c}, {k})" if returned else _without_key(c, k)
            dict_part = f"($type({k}) = 'string' and $exists($lookup({c}, {k})) ? {found} : {_key_error(k)})"
            body = f"{is_list} ? {list_part} : {is_dict} ? {dict_part} : {_no_attribute(c, 'pop')}"
    elif op in ("pop2", "returned_pop2"):
        k, default = args
        found = f"$lookup({c}, {k})" if op.startswith("returned_") else _without_key(c, k)
        otherwise = default if op.startswith("returned_") else c
        body = (f"{is_dict} ? ($type({k}) = 'string' and $exists($lookup({c}, {k})) ? {found} : {otherwise}) "
                f": {_no_attribute(c, 'pop')}")
    elif op in ("setdefault1", "setdefault2", "returned_setdefault1", "returned_setdefault2"):
        k = args[0]
        default = args[1] if len(args) > 1 else "null"
        present = f"$type({k}) = 'string' and $exists($lookup({c}, {k}))"
        if op.startswith("returned_"):
            body = f"{is_dict} ? ({present} ? $lookup({c}, {k}) : {default}) : {_no_attribute(c, 'setdefault')}"
        else:
            body = (f"{is_dict} ? ({present} ? {c} : {_setitem(c, k, default)}) "
                    f": {_no_attribute(c, 'setdefault')}")
    elif op == "unpack":
        k, n = (x.value for x in e.args)
        body = f"{unpack_check(c, n)} : {c}[{k}]"
    else:
        raise ValueError(f"no JSONata form for the change {op!r}")
    return f"({binds}{body})"

