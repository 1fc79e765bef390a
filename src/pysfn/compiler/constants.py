"""Module constants computed at compile time: ``TIMEOUT = 5 * 60``, ``LIMITS = {"eu": 10, **BASE}``.

A module-level assignment whose value is a *constant expression* — literals, constants assigned
above it, operators, list/dict/tuple displays (with ``*``/``**``), conditional expressions and a
few pure builtins — is evaluated here, by CPython's own operators on the values, so the inlined
value is exactly the one the module computes when it is imported. Anything else (a call of a
module function, a library, a name assigned later) is not a constant: the workflow cannot read it
(it gets the usual "not defined in the workflow" error).
"""

from __future__ import annotations

import ast
import operator


BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
          ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
          ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
          ast.LShift: operator.lshift, ast.RShift: operator.rshift}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Invert: operator.invert}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
           ast.NotIn: lambda a, b: a not in b}
# builtins that are pure functions of JSON values (unless the module rebinds the name)
PURE_BUILTINS = {"len": len, "abs": abs, "min": min, "max": max, "sum": sum, "sorted": sorted, "str": str,
                 "int": int, "float": float, "round": round, "bool": bool, "list": list, "dict": dict,
                 "tuple": tuple}
# no constant may grow beyond this (an int of 10**100000, "x" * 10**9): it is not computed
MAX_SIZE = 256 * 1024


class NotConstant(Exception):
    pass


def _sized(value):
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64 * 8:
        raise NotConstant()
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_SIZE:
        raise NotConstant()
    return value


def evaluate(node: ast.expr, known: dict[str, object], shadowed: set[str]):
    """The value of ``node``, or NotConstant."""
    def ev(n):
        if isinstance(n, ast.Constant):
            if isinstance(n.value, (str, int, float, bool)) or n.value is None:
                return n.value
            raise NotConstant()
        if isinstance(n, ast.Name):
            if n.id in known:
                return known[n.id]
            raise NotConstant()
        if isinstance(n, ast.BinOp) and type(n.op) in BINARY:
            left, right = ev(n.left), ev(n.right)
            if isinstance(n.op, ast.Pow) and isinstance(right, int) and abs(right) > 4096:
                raise NotConstant()
            if isinstance(n.op, (ast.Mult, ast.LShift)) and isinstance(right, int) and right > MAX_SIZE * 8:
                raise NotConstant()
            if isinstance(n.op, ast.Mult) and isinstance(left, int) and left > MAX_SIZE * 8 \
                    and isinstance(right, (str, list, tuple)):
                raise NotConstant()
            return _sized(BINARY[type(n.op)](left, right))
        if isinstance(n, ast.UnaryOp) and type(n.op) in UNARY:
            return UNARY[type(n.op)](ev(n.operand))
        if isinstance(n, ast.BoolOp):
            value = None
            for v in n.values:
                value = ev(v)
                if isinstance(n.op, ast.And) and not value or isinstance(n.op, ast.Or) and value:
                    return value
            return value
        if isinstance(n, ast.Compare):
            left = ev(n.left)
            for op, right_node in zip(n.ops, n.comparators):
                right = ev(right_node)
                if type(op) not in COMPARE or not COMPARE[type(op)](left, right):
                    if type(op) not in COMPARE:
                        raise NotConstant()
                    return False
                left = right
            return True
        if isinstance(n, ast.IfExp):
            return ev(n.body) if ev(n.test) else ev(n.orelse)
        if isinstance(n, (ast.List, ast.Tuple)):
            out = []
            for e in n.elts:
                if isinstance(e, ast.Starred):
                    out.extend(ev(e.value))
                else:
                    out.append(ev(e))
            return _sized(out if isinstance(n, ast.List) else tuple(out))
        if isinstance(n, ast.Dict):
            out = {}
            for k, v in zip(n.keys, n.values):
                if k is None:
                    out.update(ev(v))  # {**BASE}: a TypeError for a non-mapping, as when importing
                else:
                    out[ev(k)] = ev(v)
            return _sized(out)
        if isinstance(n, ast.JoinedStr):
            parts = []
            for v in n.values:
                if isinstance(v, ast.Constant):
                    parts.append(v.value)
                elif v.conversion == -1 and v.format_spec is None:
                    parts.append(format(ev(v.value)))
                else:
                    raise NotConstant()
            return _sized("".join(parts))
        if isinstance(n, ast.Subscript) and not isinstance(n.slice, ast.Slice):
            return ev(n.value)[ev(n.slice)]
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in PURE_BUILTINS \
                and n.func.id not in shadowed and not n.keywords \
                and not any(isinstance(a, ast.Starred) for a in n.args):
            return _sized(PURE_BUILTINS[n.func.id](*(ev(a) for a in n.args)))
        raise NotConstant()

    try:
        return ev(node)
    except NotConstant:
        raise
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError, RecursionError, MemoryError):
        raise NotConstant() from None  # importing the module would fail: not a value to inline


def constant_value(node: ast.expr, known: dict[str, object], shadowed: set[str]):
    """(True, JSON value) for a constant expression, else (False, None)."""
    try:
        value = evaluate(node, known, shadowed)
    except NotConstant:
        return False, None
    from pysfn.compiler.module import is_json_value
    value = _lists(value)
    if not is_json_value(value):
        return False, None
    return True, value


def _lists(value):
    """JSON has no tuples: (1, 2) is [1, 2] at every depth."""
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value
