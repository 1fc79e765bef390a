"""JSONata for ``for`` loops: the snapshot taken before the loop, the test, the next item.

A ``for`` loop becomes a Pass that stores what is iterated in a hidden variable (``items``)
and sets a hidden index to 0, then a Choice whose one rule tests for a next item and, in
the same step, binds the loop variables and advances the index. What is stored is what
Python iterates:

* ``range(start, stop, step)``: the numbers ``{"start", "step", "n"}``, never a list;
* ``d.items()``: the keys, and the dict itself in ``extra`` for the values;
* ``enumerate(xs, start)``: the items, and ``start`` in ``extra``;
* ``d.values()`` / ``d.keys()``: the keys, and the dict in ``extra`` (values are looked up);
* ``reversed(xs)``: the items, walked from the end (lists, dict keys, str characters);
* anything else: a list as it is, a dict's keys, a str's characters; other values fail
  with Python's TypeError.

The snapshot makes rebinding the loop variable or the iterated variable inside the body
harmless, as in Python (where changing a list while iterating it is undefined anyway).
"""

from __future__ import annotations

import json
import re

from pysfn.compiler import ir
from pysfn.compiler.jsonata import T, expression, wrap
from pysfn.compiler.numbers import tag
from pysfn.compiler.jsonata_text import code_points

# Python's type names for a JSON value, for error messages.
PY_TYPE = ("($type({0}) = 'number' ? ({0} = $floor({0}) ? 'int' : 'float') : $type({0}) = 'string' ? 'str' "
           ": $type({0}) = 'boolean' ? 'bool' : $type({0}) = 'null' ? 'NoneType' "
           ": $type({0}) = 'array' ? 'list' : $type({0}) = 'object' ? ($exists($lookup({0}, '$float')) ? 'float' : 'dict') "
           ": $type({0}))")  # {"$float": ...} is a whole float (numbers.py)


def py_type(value: str) -> str:
    """JSONata for the Python type name of ``value``; a literal's is known now (no switch)."""
    literal = _literal_type(value)
    return f"'{literal}'" if literal else PY_TYPE.format(value)


def _literal_type(text: str) -> str | None:
    if re.fullmatch(r'"(?:[^"\\]|\\.)*"', text):
        return "str"
    if text in ("true", "false"):
        return "bool"
    if text == "null":
        return "NoneType"
    if re.fullmatch(r"-?\d+", text) and abs(int(text)) <= 2 ** 53:
        return "int"
    try:  # a number with a fraction or an exponent: a float unless whole (then JSONata's int)
        number = json.loads(text)
    except ValueError:
        return None
    if isinstance(number, float) and not number.is_integer():
        return "float"
    return None


def typed_error(cls: str, value: str, text: str) -> str:
    """JSONata raising ``cls: '<Python type of value>' text``, as CPython words type errors."""
    return f"$error(\"{cls}: '\" & {py_type(value)} & \"' {text}\")"


def iterated(value: str) -> str:
    """The list Python's ``for x in value`` walks: list items, dict keys, str characters."""
    v = f"{T}it"
    return (f"({v} := {value}; $type({v}) = 'array' ? {v} : $type({v}) = 'object' and $not({tag(v)}) ? [$keys({v})] "
            f": $type({v}) = 'string' ? {code_points(v)} "
            f": {typed_error('TypeError', v, 'object is not iterable')})")


def reversible(value: str) -> str:
    """What ``reversed(value)`` walks (from the end): a list, a dict's keys, a str's characters;
    anything else fails as CPython does."""
    v = f"{T}rv"
    return (f"({v} := {value}; $type({v}) = 'array' or $type({v}) = 'object' or $type({v}) = 'string' "
            f"? {iterated(v)} : {typed_error('TypeError', v, 'object is not reversible')})")


def integer(value: str, what: str) -> str:
    """``value`` as a Python int (bools are ints); anything else fails like ``range`` does, or
    (``what="subscript"``) like a list subscript does."""
    v = f"{T}n"
    if what == "subscript":
        wrong = f"$error(\"TypeError: list indices must be integers or slices, not \" & {py_type(v)})"
    else:
        wrong = typed_error('TypeError', v, 'object cannot be interpreted as an integer')
    return (f"({v} := {value}; $type({v}) = 'boolean' ? ({v} ? 1 : 0) "
            f": $type({v}) = 'number' and {v} = $floor({v}) ? {v} : {wrong})")


def _range(args: tuple[ir.Expr, ...]) -> str:
    start, stop, step = (integer(expression(a), "range") for a in args)
    a, b, c = f"{T}a", f"{T}b", f"{T}c"
    return (f"({a} := {start}; {b} := {stop}; {c} := {step}; {c} = 0 "
            f"? $error('ValueError: range() arg 3 must not be zero') "
            f": {{'start': {a}, 'step': {c}, 'n': $max([0, $ceil(({b} - {a}) / {c})])}})")


def loop_parts(stmt: ir.For) -> tuple[dict, str, dict]:
    """(Assign before the loop, the test for a next item, Assign of one iteration)."""
    setup, count, values = loop_text_parts(stmt)
    index = "$" + stmt.index
    start = {stmt.index: 0, **{name: wrap(text) for name, text in setup.items()}}
    bind = {t: wrap(v) for t, v in values.items()}
    bind[stmt.index] = wrap(f"{index} + 1")
    return start, f"{index} < {count}", bind


def loop_text_parts(stmt: ir.For) -> tuple[dict[str, str], str, dict[str, str]]:
    """JSONata text of a loop's parts: the hidden variables set before it (the snapshot), the
    number of iterations, and each loop variable's value at position ``$<index>``."""
    it = stmt.iteration
    items, index, extra = "$" + stmt.items, "$" + stmt.index, "$" + stmt.items + "_x"
    start: dict[str, str] = {}
    count = f"$count({items})"
    if it.kind == "range":
        start[stmt.items] = _range(it.args)
        count = f"{items}.n"
        values = [f"{items}.start + {index} * {items}.step"]
    elif it.kind == "items":
        d = f"{T}d"
        start[stmt.items] = (f"({d} := {expression(it.args[0])}; $type({d}) = 'object' ? [$keys({d})] "
                             f": {typed_error('AttributeError', d, 'object has no attribute ' + repr('items'))})")
        start[stmt.items + "_x"] = expression(it.args[0])
        values = [f"{items}[{index}]", f"$lookup({extra}, {items}[{index}])"]
    elif it.kind in ("dict_values", "dict_keys"):
        d = f"{T}d"
        method = 'values' if it.kind == 'dict_values' else 'keys'
        start[stmt.items] = (f"({d} := {expression(it.args[0])}; $type({d}) = 'object' ? [$keys({d})] "
                             f": {typed_error('AttributeError', d, 'object has no attribute ' + repr(method))})")
        if it.kind == "dict_values":
            start[stmt.items + "_x"] = expression(it.args[0])
            values = [f"$lookup({extra}, {items}[{index}])"]
        else:
            values = [f"{items}[{index}]"]
    elif it.kind == "reversed":
        start[stmt.items] = reversible(expression(it.args[0]))
        values = [f"{items}[$count({items}) - 1 - {index}]"]
    elif it.kind == "enumerate":
        start[stmt.items] = iterated(expression(it.args[0]))
        start[stmt.items + "_x"] = integer(expression(it.args[1]), "enumerate")
        values = [f"{extra} + {index}", f"{items}[{index}]"]
    else:
        start[stmt.items] = iterated(expression(it.args[0]))
        values = [f"{items}[{index}]"]
    if stmt.unpack:
        values = _unpacked(values[-1], len(stmt.targets)) if len(values) == 1 else values
    return start, count, dict(zip(stmt.targets, values))


def unpack_check(e: str, n: int) -> str:
    """The first part of a JSONata conditional: fails as Python does unless ``e`` is a list of
    exactly ``n`` items; continue it with ``: <value>``."""
    return (f"$type({e}) != 'array' ? $error('TypeError: cannot unpack non-iterable ' & {py_type(e)} "
            f"& ' object') : $count({e}) < {n} ? $error('ValueError: not enough values to unpack (expected "
            f"{n}, got ' & $count({e}) & ')') : $count({e}) > {n} ? $error('ValueError: too many values to "
            f"unpack (expected {n})')")


def _unpacked(element: str, n: int) -> list[str]:
    """``a, b = element``: item k of a list of exactly ``n`` items."""
    e = f"{T}e"
    return [f"({e} := {element}; {unpack_check(e, n)} : {e}[{k}])" for k in range(n)]
