"""JSONata generator: IR expressions -> JSONata text with exactly Python's meaning.

Two outputs, like a SQL generator with two dialects:

* ``expression(e)`` — one JSONata expression, for Choice conditions and computed values;
* ``template(e)`` — a JSON value whose strings may be ``{% expr %}``, for ``Arguments``,
  ``Output`` and ``Assign``. Templates keep lists and dicts as JSON structure, which sidesteps
  JSONata's array constructor flattening (``[$a, 1]`` with ``$a = [2]`` is ``[2, 1]``, not
  ``[[2], 1]``) and keeps the definition readable.

Python's meaning is kept where JSONata differs: subscripts check the container's type and
fail instead of mapping over arrays; truthiness is Python's (``[]``, ``{}``, ``""``, ``0``,
``None`` are false); ``in`` is membership in a list, key in a dict, substring in a str.
"""

from __future__ import annotations

import json
import re

from pysfn.compiler import ir, numbers
from pysfn.compiler.jsonata_text import char_at, text_order
from pysfn.compiler.scope import TEMP_PREFIX

T = "$" + TEMP_PREFIX  # block-local JSONata names of generated code; user variables never use it


def wrap(text: str) -> str:
    from pysfn.compiler.numbers import with_helpers  # the number helpers an expression calls
    return "{% " + with_helpers(text) + " %}"


def literal(value) -> str:
    """A JSON value written as a JSONata literal (JSON is valid JSONata for literals)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


# --------------------------------------------------------------------------- templates

def template(e: ir.Expr):
    """``e`` as a JSON value for Arguments/Output/Assign; nested strings may be ``{% %}``."""
    if isinstance(e, ir.Const):
        return const_template(e.value)
    if isinstance(e, ir.ListOf):
        return [template(item) for item in e.items]
    if isinstance(e, ir.DictOf):
        return {k: template(v) for k, v in zip(e.keys, e.values)}
    return wrap(expression(e))


def const_template(value):
    if isinstance(value, float):
        return numbers.encode(value)  # a whole float is tagged: JSON would make it an int
    if isinstance(value, str) and value.lstrip().startswith("{%") and value.rstrip().endswith("%}"):
        return wrap(literal(value))  # would otherwise be read as an expression
    if isinstance(value, list):
        return [const_template(v) for v in value]
    if isinstance(value, dict):
        return {k: const_template(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- expressions

def expression(e: ir.Expr) -> str:
    method = _GENERATORS.get(type(e))
    if method is None:  # the front end only builds the nodes above
        raise TypeError(f"no JSONata form for {type(e).__name__}")
    return method(e)


def _const(e: ir.Const) -> str:
    return literal(numbers.encode(e.value))  # nested literal arrays keep their shape: only computed items flatten


def _var(e: ir.Var) -> str:
    return "$" + e.name


def _list_of(items: list[str], maybe_array: list[bool]) -> str:
    """A JSONata array whose items are never flattened into it."""
    if not items:
        return "[]"
    if not any(maybe_array):
        return "[" + ", ".join(items) + "]"
    # [x] flattens an array x; [[x]] does not flatten twice. Box each item in a one-element
    # array chosen by its run-time type, then concatenate the boxes.
    boxes = [f"({T}v := {item}; $type({T}v) = 'array' ? [[{T}v]] : [{T}v])" if arr else f"[{item}]"
             for item, arr in zip(items, maybe_array)]
    out = boxes[0]
    for box in boxes[1:]:
        out = f"$append({out}, {box})"
    return out


def _may_be_array(e: ir.Expr) -> bool:
    if isinstance(e, ir.Const):
        return isinstance(e.value, list)
    return not isinstance(e, (ir.DictOf, ir.ErrorMessage) + ir.BOOLEAN_EXPRS)


def _list(e: ir.ListOf) -> str:
    return _list_of([expression(i) for i in e.items], [_may_be_array(i) for i in e.items])


def _dict(e: ir.DictOf) -> str:
    return "{" + ", ".join(f"{literal(k)}: {expression(v)}" for k, v in zip(e.keys, e.values)) + "}"


def _subscript(e: ir.Subscript) -> str:
    """``b[i]`` with Python's meaning; a failed lookup raises (the message names the Python error).

    JSONata alone would map ``$b.k`` over an array and give *undefined* for a missing key;
    here the container's type picks dict-key, list-index or str-index semantics, and
    anything else fails rather than returning a different value.
    """
    b = f"{T}b"
    index = e.index
    if isinstance(index, ir.Const):
        i, bind = literal(numbers.encode(index.value)), ""
    else:
        i, bind = f"{T}i", f"{T}i := {expression(index)}; "
    key_error = (f"$error({literal('KeyError: ' + repr(index.value))})" if isinstance(index, ir.Const)
                 else f"$error('KeyError: ' & $string({i}))")
    # JSON objects have string keys only: any other key is simply not there (KeyError).
    key_found = f"$exists($lookup({b}, {i})) ? $lookup({b}, {i}) : {key_error}"
    by_key = f"$type({b}) = 'object' ? ({key_found})"

    def by_position(kind: str, count: str, pick: str) -> str:
        in_range = f"{i} >= -{count}({b}) and {i} < {count}({b})"
        return (f"$type({b}) = '{kind}' and $type({i}) = 'number' and {i} = $floor({i}) ? ({in_range} ? {pick} "
                f": $error('IndexError: {'list' if kind == 'array' else 'string'} index out of range'))")
    by_index = by_position("array", "$count", f"{b}[{i}]")
    by_char = by_position("string", "$length", char_at(b, i))  # code points, not UTF-16 units
    if isinstance(index, ir.Const) and isinstance(index.value, str):
        cases = [by_key]
    elif isinstance(index, ir.Const):
        cases = [f"$type({b}) = 'object' ? {key_error}", by_index, by_char]
    else:
        cases = [f"$type({b}) = 'object' ? ($type({i}) = 'string' ? ({key_found}) : {key_error})",
                 by_index, by_char]
    from pysfn.compiler.loops import py_type
    wrong_index = [f"$type({b}) = 'array' ? $error(\"TypeError: list indices must be integers or slices, not \" "
                   f"& {py_type(i)})",
                   f"$type({b}) = 'string' ? $error(\"TypeError: string indices must be integers, not '\" "
                   f"& {py_type(i)} & \"'\")"]
    fallback = f"$error('TypeError: ' & $type({b}) & ' cannot be subscripted by ' & $type({i}))"
    return f"({b} := {expression(e.value)}; {bind}" + " : ".join(cases + wrong_index + [fallback]) + ")"


def truthy(e: ir.Expr) -> str:
    """Python's ``bool(e)`` for a JSON value."""
    if isinstance(e, ir.BOOLEAN_EXPRS):
        return expression(e)
    if isinstance(e, ir.Const):
        return "true" if e.value else "false"
    v = f"{T}t"
    return (f"({v} := {expression(e)}; $type({v}) = 'boolean' ? {v} : $type({v}) = 'number' ? {v} != 0 "
            f": $type({v}) = 'string' ? {v} != '' : $type({v}) = 'array' ? $count({v}) > 0 "
            f": $type({v}) = 'object' ? ({numbers.tag(v)} ? {numbers.num(v)} != 0 : $count($keys({v})) > 0) : false)")


def _is_number_const(e: ir.Expr) -> bool:
    return isinstance(e, ir.Const) and type(e.value) in (int, float)


def _number_literal(value) -> str:
    """A number or bool literal as the number JSONata compares (-0.0 is 0, True is 1)."""
    return literal(int(value) if isinstance(value, bool) else value + 0)


def _equality(e: ir.Compare) -> str:
    """``==``: numbers by value whatever their representation (bools as 0/1, tagged floats
    unboxed); anything else JSONata's way (a str, None or container literal: the same as Python's
    for scalars)."""
    left, right = e.left, e.right
    op = "=" if e.op == "==" else "!="
    numeric = [x for x in (left, right) if isinstance(x, ir.Const) and type(x.value) in (int, float, bool)]
    if (isinstance(left, ir.Const) or isinstance(right, ir.Const)) and not numeric:
        return f"({expression(left)} {op} {expression(right)})"
    a, b = f"{T}l", f"{T}r"
    if numeric:
        other = right if numeric[0] is left else left
        test = (f"({a} := {expression(other)}; {numbers.is_number(a)} and "
                f"{numbers.num(a)} = {_number_literal(numeric[0].value)})")
    else:
        test = (f"({a} := {expression(left)}; {b} := {expression(right)}; "
                f"{numbers.is_number(a)} and {numbers.is_number(b)} ? {numbers.num(a)} = {numbers.num(b)} "
                f": {a} = {b})")
    return test if op == "=" else f"$not({test})"


def _py_type(x: str) -> str:
    from pysfn.compiler.loops import py_type
    return py_type(x)


def _ordering(e: ir.Compare) -> str:
    """``<``/``<=``/``>``/``>=``: numbers (bools count as 0/1) or strings, as in Python; other
    pairs raise Python's TypeError (lists, which Python orders item by item, raise a pysfn one)."""
    if _is_number_const(e.left) and _is_number_const(e.right):
        return f"({_number_literal(e.left.value)} {e.op} {_number_literal(e.right.value)})"
    a, b = f"{T}l", f"{T}r"
    return (f"({a} := {expression(e.left)}; {b} := {expression(e.right)}; "
            f"{numbers.is_number(a)} and {numbers.is_number(b)} ? {numbers.num(a)} {e.op} {numbers.num(b)} "
            f": $type({a}) = 'string' and $type({b}) = 'string' ? {text_order(a, b, e.op)} "
            f": $type({a}) = 'array' and $type({b}) = 'array' ? $error('TypeError: pysfn: ordering lists is "
            f"not supported in the state machine') "
            f": $error(\"TypeError: '{e.op}' not supported between instances of '\" & {_py_type(a)} & \"' and '\" "
            f"& {_py_type(b)} & \"'\"))")


def _membership(left: str, right: str) -> str:
    """``x in c``: a substring, a dict key (JSON keys are str), or an item equal as Python's ==
    compares scalars (bools as 0/1)."""
    x, c, v = f"{T}x", f"{T}c", f"{T}v"
    same = f"({numbers.is_number(v)} and {numbers.is_number(x)} ? {numbers.num(v)} = {numbers.num(x)} : {v} = {x})"
    return (f"({x} := {left}; {c} := {right}; "
            f"$type({c}) = 'string' ? ($type({x}) = 'string' ? $contains({c}, {x}) "
            f": $error(\"TypeError: 'in <string>' requires string as left operand, not \" & {_py_type(x)})) "
            f": $type({c}) = 'object' ? ($type({x}) in ['array', 'object'] and $not({numbers.tag(x)}) "
            f"? $error(\"TypeError: unhashable type: '\" & {_py_type(x)} & \"'\") "
            f": $type({x}) = 'string' and $exists($lookup({c}, {x}))) "
            f": $type({c}) = 'array' ? $count($filter({c}, function({v}) {{ {same} }})) > 0 "
            f": $error(\"TypeError: argument of type '\" & {_py_type(c)} & \"' is not iterable\"))")


def _compare(e: ir.Compare) -> str:
    if e.op in ("is", "is not"):
        return f"$type({expression(e.left)}) {'=' if e.op == 'is' else '!='} 'null'"
    if e.op in ("in", "not in"):
        test = _membership(expression(e.left), expression(e.right))
        return test if e.op == "in" else f"$not({test})"
    if e.op in ("==", "!="):
        return _equality(e)
    return _ordering(e)


def _bool_op(e: ir.BoolOp) -> str:
    return "(" + f" {e.op} ".join(truthy(v) for v in e.values) + ")"


def _not(e: ir.Not) -> str:
    return f"$not({truthy(e.operand)})"


_TIMESTAMP = "$toMillis({})"


def _asl_test(e: ir.AslTest) -> str:
    args = [expression(a) for a in e.args]
    name = e.name
    if name in ("IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp"):
        (a,) = args
        return {
            "IsNull": f"$type({a}) = 'null'",
            "IsPresent": f"$exists({a})",
            "IsString": f"$type({a}) = 'string'",
            "IsNumeric": f"($type({a}) = 'number' or {numbers.tag(a)})",
            "IsBoolean": f"$type({a}) = 'boolean'",
            "IsTimestamp": f"($type({a}) = 'string' and {_is_timestamp(a)})",
        }[name]
    a, b = args
    kind, op = re.match(r"(String|Numeric|Boolean|Timestamp)(\w+)", name).groups()
    if kind == "String" and op == "Matches":
        return f"($type({a}) = 'string' and $type({b}) = 'string' and $contains({a}, {_glob_regex(e.args[1])}))"
    symbol = {"Equals": "=", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=",
              "GreaterThanEquals": ">="}[op]
    jtype = {"String": "string", "Numeric": "number", "Boolean": "boolean", "Timestamp": "string"}[kind]
    if kind == "Timestamp":
        return (f"($type({a}) = 'string' and $type({b}) = 'string' and {_is_timestamp(a)} "
                f"and {_is_timestamp(b)} and {_TIMESTAMP.format(a)} {symbol} {_TIMESTAMP.format(b)})")
    if kind == "Numeric":  # a tagged float is a number too
        x, y = f"{T}na", f"{T}nb"
        is_num = "($type({0}) = 'number' or " + numbers.tag("{0}") + ")"
        return (f"({x} := {a}; {y} := {b}; {is_num.format(x)} and {is_num.format(y)} "
                f"and {numbers.num(x)} {symbol} {numbers.num(y)})")
    return f"($type({a}) = '{jtype}' and $type({b}) = '{jtype}' and {a} {symbol} {b})"


_TIMESTAMP_RE = r"/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/"


def _is_timestamp(x: str) -> str:
    return f"$contains({x}, {_TIMESTAMP_RE})"


def _glob_regex(pattern: ir.Expr) -> str:
    if not (isinstance(pattern, ir.Const) and isinstance(pattern.value, str)):
        raise ValueError("StringMatches needs a literal pattern")
    parts = re.split(r"(\\\\|\\\*|\*)", pattern.value)
    # JSONata regexes take only the i and m flags: [\s\S] matches newlines too, like Python's DOTALL.
    body = "".join("[\\s\\S]*" if p == "*" else re.escape(p[1:] if p in ("\\*", "\\\\") else p) for p in parts)
    return "/^" + body.replace("/", "\\/") + "$/"


def _exact_text(e: ir.ExactText) -> str:
    v = f"{T}ex"
    return f"({v} := {expression(e.value)}; $type({v}) in ['string', 'boolean', 'null'] or ($type({v}) = 'number' and {v} = $floor({v})))"


def error_message(var: str) -> str:
    return f"${var}.cause"


def _error_message(e: ir.ErrorMessage) -> str:
    return error_message(e.var)


_GENERATORS = {
    ir.Const: _const, ir.Var: _var, ir.Subscript: _subscript, ir.ListOf: _list, ir.DictOf: _dict,
    ir.Compare: _compare, ir.BoolOp: _bool_op, ir.Not: _not, ir.AslTest: _asl_test, ir.ExactText: _exact_text,
    ir.ErrorMessage: _error_message,
}


def _op(e: ir.Op) -> str:
    from pysfn.compiler.jsonata_ops import OPS  # Python's operations have their own module
    return OPS[e.name]([expression(a) for a in e.args])


def _if_exp(e: ir.IfExp) -> str:
    return f"({truthy(e.test)} ? {expression(e.body)} : {expression(e.orelse)})"


def _pick(e: ir.Pick) -> str:
    """``a or b``: a if a is true, else b (``and``: a if a is false); each operand computed once."""
    *first, last = e.values
    out = expression(last)
    for value in reversed(first):
        v = f"{T}pk"
        test = f"{truthy(ir.Var(v[1:], e.loc))}"
        keep, other = (v, out) if e.op == "or" else (out, v)
        out = f"({v} := {expression(value)}; {test} ? {keep} : {other})"
    return out


def _comprehension(e: ir.Comprehension) -> str:
    from pysfn.compiler.changes import box
    from pysfn.compiler.loops import iterated
    acc, var = f"{T}acc", "$" + e.var
    if e.key is None:
        item = f"$append({acc}, {box(expression(e.element))})"
    else:
        k = f"{T}ck"
        item = (f"({k} := {expression(e.key)}; $type({k}) = 'string' ? $append({acc}, [{{{k}: {expression(e.element)}}}]) "
                f": $error('TypeError: pysfn: the keys of a dict in a workflow are str (JSON)'))")
    if e.conditions:
        item = f"({' and '.join(truthy(c) for c in e.conditions)}) ? {item} : {acc}"
    built = f"$reduce({iterated(expression(e.iterable))}, function({acc}, {var}) {{ {item} }}, [])"
    return built if e.key is None else f"$merge({built})"


def _change(e: ir.Change) -> str:
    from pysfn.compiler.changes import change  # changes in place have their own module, built on this one
    return change(e)


_GENERATORS[ir.Change] = _change
_GENERATORS[ir.Op] = _op
_GENERATORS[ir.IfExp] = _if_exp
_GENERATORS[ir.Pick] = _pick
_GENERATORS[ir.Comprehension] = _comprehension


def caught_error_template() -> dict:
    """The value bound by ``except E as e``: ``{"error": name, "cause": message}``.

    A Lambda error's Cause is a JSON string whose ``errorMessage`` is ``str(exc)``; other
    errors (a Fail in a Parallel branch, ``States.*``) carry the message as plain text. A service
    integration's error (``DynamoDB.ConditionalCheckFailedException``: a dotted name outside
    ``States.``) has the service's message followed by `` (Service: ...; Request ID: ...)``, which
    is dropped: natively ``str(e)`` of ``aws.*`` errors is the service's message (pysfn/aws.py).
    """
    c = f"{T}c"
    # $substring(.., 0, n) = an ASCII text is safe on UTF-16 engines: half of a character above
    # U+FFFF never equals ASCII, so units and code points give the same answer (jsonata_text.SAFE_SUBSTRINGS).
    service = ("$contains($states.errorOutput.Error, '.') and "
               "$not($substring($states.errorOutput.Error, 0, 7) = 'States.')")
    cause = (f"({c} := $states.errorOutput.Cause; $type({c}) != 'string' ? '' "
             f": $substring({c}, 0, 1) = '{{' and $contains({c}, '\"errorMessage\"') "
             f"? $parse({c}).errorMessage : {service} ? $replace({c}, / \\(Service: [^()]*\\)$/, '') : {c})")
    return {"error": wrap("$states.errorOutput.Error"), "cause": wrap(cause)}
