"""Building dicts: ``{**a, "k": v, **b}``, ``dict(a, **b, k=v)``, ``dict(pairs)``.

Front end (``dict_display``, ``dict_call``: IR out of the ``ast``, called by the expression
visitor) and the JSONata of the three run-time steps (``dict_change``, called by
``changes.change``), each with CPython's result or CPython's error:

* ``merge_display``: ``{**o}`` inside a display; ``o`` must be a dict (``'list' object is not a
  mapping``); a later key overrides an earlier one and keeps its place, as in CPython;
* ``merge_kwargs``: ``**o`` / ``k=v`` of a ``dict()`` call: a mapping (``dict() argument after **
  must be a mapping, not list``) whose keys were not given before (``dict() got multiple values
  for keyword argument 'k'``);
* ``dictarg``: the positional argument of ``dict()``: a dict (copied), or a list of pairs.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir
from pysfn.compiler.jsonata import T, expression
from pysfn.compiler.loops import py_type, typed_error
from pysfn.compiler.numbers import tag


def _is_dict(x: str) -> str:
    """A JSON object that is a dict (not a tagged whole float, numbers.py)."""
    return f"($type({x}) = 'object' and $not({tag(x)}))"


def dict_display(fc, node: ast.Dict) -> ir.Expr:
    """``{"a": 1, **b, "c": x}``: the literal runs between the ``**`` parts merged in order."""
    loc = fc.loc(node)
    result: ir.Expr | None = None
    keys: list[str] = []
    values: list[ir.Expr] = []

    def flush():
        nonlocal result, keys, values
        if keys or result is None:
            part = ir.DictOf(tuple(keys), tuple(values), loc)
            result = part if result is None else ir.Change("merge_display", result, (part,), loc)
        keys, values = [], []

    for k, v in zip(node.keys, node.values):
        if k is None:
            flush() if keys or result is None else None
            result = ir.Change("merge_display", result, (fc.expr(v),), loc)
            continue
        if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
            raise fc.rep.error(k, "dict keys must be string literals (JSON objects have string keys)",
                               "write {\"key\": value}")
        keys.append(k.value)
        values.append(fc.expr(v))
    if keys:
        flush()
    return result


def dict_call(fc, node: ast.Call) -> ir.Expr:
    """``dict()``, ``dict(a)``, ``dict(a, **b, k=v)``."""
    loc = fc.loc(node)
    if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
        raise fc.rep.error(node, f"dict expected at most 1 argument, got {len(node.args)}",
                           "dict(mapping_or_pairs, **more, key=value)")
    base: ir.Expr = ir.DictOf((), (), loc)
    if node.args:
        base = ir.Change("dictarg", fc.expr(node.args[0]), (), loc)
    given: ir.Expr = ir.DictOf((), (), loc)  # the keyword part, checked for repeated keys
    for k in node.keywords:
        part = fc.expr(k.value) if k.arg is None else ir.DictOf((k.arg,), (fc.expr(k.value),), loc)
        given = ir.Change("merge_kwargs", given, (part,), loc)
    if not node.keywords:
        return base if node.args else given
    return ir.Change("merge_display", base, (given,), loc) if node.args else given


def dict_change(op: str, c: str, args: list[str]) -> str | None:
    """JSONata of the dict steps (``c``: the dict so far, or dict()'s argument), or None."""
    if op == "merge_display":
        o = args[0]
        return (f"{_is_dict(o)} ? $merge([{c}, {o}]) "
                f": {typed_error('TypeError', o, 'object is not a mapping')}")
    if op == "merge_kwargs":
        o, d = args[0], f"{T}dup"
        return (f"$not({_is_dict(o)}) ? $error(\"TypeError: dict() argument after ** must be a mapping, "
                f"not \" & {py_type(o)}) "
                f": ({d} := $filter($keys({o}), function({T}k) {{ $exists($lookup({c}, {T}k)) }}); "
                f"$exists({d}) ? $error(\"TypeError: dict() got multiple values for keyword argument '\" "
                f"& $string({d}[0]) & \"'\") : $merge([{c}, {o}]))")
    if op == "dictarg":
        p, n, acc = f"{T}pp", f"{T}pn", f"{T}pa"
        first = expression(ir.Subscript(ir.Var(p[1:], _NOWHERE), ir.Const(0, _NOWHERE), _NOWHERE))
        second = expression(ir.Subscript(ir.Var(p[1:], _NOWHERE), ir.Const(1, _NOWHERE), _NOWHERE))
        k, v = f"{T}pk", f"{T}pv"
        pair = (f"$type({p}) = 'array' ? ($count({p}) = 2 ? ({k} := {first}; {v} := {second}; "
                f"$type({k}) = 'string' ? $merge([{acc}, {{{k}: {v}}}]) "
                f": $error('TypeError: pysfn: the keys of a dict in a workflow are str (JSON), not ' "
                f"& {py_type(k)})) "
                f": $error('ValueError: dictionary update sequence element #' & $string({n}) & ' has length ' "
                f"& $string($count({p})) & '; 2 is required')) "
                f": $type({p}) = 'string' or {_is_dict(p)} ? $error('TypeError: pysfn: dict() of a list of strings "
                f"or dicts is not supported in the state machine') "
                f": $error('TypeError: cannot convert dictionary update sequence element #' & $string({n}) "
                f"& ' to a sequence')")
        return (f"{_is_dict(c)} ? {c} "
                f": $type({c}) = 'array' ? $reduce({c}, function({acc}, {p}, {n}) {{ {pair} }}, {{}}) "
                f": {typed_error('TypeError', c, 'object is not iterable')}")
    return None


class _Nowhere:
    file, line, col, end_col = "<pysfn>", 0, 0, None


_NOWHERE = _Nowhere()
