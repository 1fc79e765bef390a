"""Python's number model in the state machine: ints and floats stay apart, though JSON has one number type.

Design note
-----------
CPython has two number types whose text differs (``str(2)`` is ``"2"``, ``str(2.0)`` is ``"2.0"``);
JSON, and every JSONata engine, has one: Step Functions reads ``2.0`` as ``2``, ``-0.0`` as ``0``,
``1e16`` as ``10000000000000000``, and a variable is stored as JSON text between states. So the
machine carries the type itself, in the *value*:

* an int is a JSON number without a fraction (ints beyond 2**53 cannot be exact: they fail loudly);
* a float that is not a whole number is a JSON number with a fraction (it cannot be an int);
* a float that *is* a whole number (``2.0``, ``1e16``, ``0.0``) is the tagged object
  ``{"$float": 2.0}``; ``-0.0`` is ``{"$float": "-0"}`` (JSON cannot keep the sign of zero).

Only whole floats are tagged, so most payloads stay plain JSON. Every generated operation reads
numbers through the helpers below (``$pysfn__num`` unboxes, ``$pysfn__isf`` asks "float?") and
builds results with ``$pysfn__box``: a float result is tagged when it is whole, an int result
beyond 2**53 fails with a ``pysfn:`` OverflowError, a float result beyond the double range fails
(CPython would give ``inf``, which JSON cannot hold). The sign of a zero float result follows
IEEE rules, computed from the operands (engines drop it between states, some even inside one).

Where values leave the machine the representation is translated:

* the dispatcher Lambda decodes tags in a callee's arguments (a callee gets the float ``2.0``) and
  encodes its result (``2.0`` comes back tagged; an int beyond 2**53, a float that is not finite or
  a dict holding the key ``"$float"`` is refused with ``PysfnNumberError``, never rounded);
* the execution output is plain JSON (tags decoded by the top-level ``Output``): a whole float
  is the JSON number ``2``, as Step Functions prints every number (future-work.md);
* the execution input is checked: a whole number beyond 2**53 is refused unless its parameter
  is declared ``float``, and a ``float`` parameter's whole numbers become tagged floats.

The helpers are JSONata functions defined at the start of each ``{% %}`` expression that calls
them (``with_helpers``, called by ``jsonata.wrap``), so each expression stays self-contained and
only pays for what it uses.
"""

from __future__ import annotations

import math
import re

from pysfn.compiler.scope import TEMP_PREFIX

FLOAT_KEY = "$float"
NEG_ZERO = "-0"
MAX_EXACT = 2 ** 53 - 1
MAX_FLOAT = "1.7976931348623157e308"

H = "$" + TEMP_PREFIX  # helper names: $pysfn__num, ...
_K = f"'{FLOAT_KEY}'"

INT_OVERFLOW = "OverflowError: pysfn: an integer beyond 2**53 cannot be exact in JSON"
FLOAT_OVERFLOW = "OverflowError: pysfn: the float result is not finite, and JSON numbers are finite"


def _python_message(code: str) -> str:
    try:
        eval(code)  # a fixed expression of this module, never user input
    except Exception as e:  # noqa: BLE001 -- the message is what we want
        return str(e)
    raise AssertionError(code)


ZERO_MESSAGES = {  # (operator, float?) -> CPython's ZeroDivisionError text (it changed between versions)
    (op, f): _python_message(f"1{'.0' if f else ''} {op} 0") for op in ("/", "//", "%") for f in (False, True)}


def _q(text: str) -> str:
    return "'" + text.replace("'", "\\'") + "'"


# name -> (definition, helpers it calls). Parameters and locals are $-names local to the function.
HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    # a tagged (whole) float
    "tag": (f"function($x){{$type($x) = 'object' ? $exists($lookup($x, {_K})) : false}}", ()),
    # a Python float: tagged, or a number with a fraction
    "isf": (f"function($x){{$type($x) = 'number' ? $x != $floor($x) : {H}tag($x)}}", ("tag",)),
    # a Python number: int, float or bool
    "isn": (f"function($x){{$type($x) in ['number', 'boolean'] ? true : {H}tag($x)}}", ("tag",)),
    # the number as JSONata computes with it (bools are 0/1, tags unboxed)
    "num": (f"function($x){{$type($x) = 'boolean' ? ($x ? 1 : 0) : {H}tag($x) "
            f"? ($v := $lookup($x, {_K}); $type($v) = 'string' ? 0 : $v) : $x}}", ("tag",)),
    # the sign bit (-0.0 has it)
    "sgn": (f"function($x){{{H}tag($x) ? ($v := $lookup($x, {_K}); $type($v) = 'string' ? true : $v < 0) "
            f": {H}num($x) < 0}}", ("tag", "num")),
    # a result: $f says it is a float, $n that a zero result is -0.0. An int result gets `+ 0`:
    # on engines computing with doubles (AWS, the reference implementation) `0 // -5` is
    # $floor(-0) = -0, which would reach a callee as the float -0.0; -0 + 0 is 0.
    "box": (f"function($r, $n, $f){{$f ? ($abs($r) > {MAX_FLOAT} ? $error({_q(FLOAT_OVERFLOW)}) "
            f": $r = $floor($r) ? {{{_K}: ($r = 0 and $n) ? '{NEG_ZERO}' : $r + 0}} : $r) "
            f": $abs($r) > {MAX_EXACT} ? $error({_q(INT_OVERFLOW)}) : $r + 0}}", ()),
    # a binary operation of two Python numbers ($o is + - * / // %)
    "ar": ("function($o, $a, $b){(" + f"$x := {H}num($a); $y := {H}num($b); $f := {H}isf($a) or {H}isf($b); "
           f"$o = '+' ? {H}box($x + $y, {H}sgn($a) and {H}sgn($b), $f) "
           f": $o = '-' ? {H}box($x - $y, {H}sgn($a) and $not({H}sgn($b)), $f) "
           f": $o = '*' ? {H}box($x * $y, {H}sgn($a) != {H}sgn($b), $f) "
           f": $y = 0 ? $error('ZeroDivisionError: ' & ($o = '/' ? ($f ? {_q(ZERO_MESSAGES['/', True])} "
           f": {_q(ZERO_MESSAGES['/', False])}) : $o = '//' ? ($f ? {_q(ZERO_MESSAGES['//', True])} "
           f": {_q(ZERO_MESSAGES['//', False])}) : ($f ? {_q(ZERO_MESSAGES['%', True])} "
           f": {_q(ZERO_MESSAGES['%', False])}))) "
           f": $o = '/' ? {H}box($x / $y, {H}sgn($a) != {H}sgn($b), true) "
           f": $f and ($x != $floor($x) or $y != $floor($y)) "
           f"? $error('ValueError: pysfn: ' & $o & ' of non-integral floats runs in Python only') "
           f": $f and ($abs($x) > {MAX_EXACT} or $abs($y) > {MAX_EXACT}) "
           f"? $error('ValueError: pysfn: ' & $o & ' of floats beyond 2**53 runs in Python only') "
           f": ($d := $floor($x / $y); $o = '//' ? {H}box($d, {H}sgn($a) != {H}sgn($b), $f) "
           # the truncated remainder is exact (b * floor(a / b) may not be, near 2**53); Python's
           # takes the sign of b
           f": ($m := $x % $y; {H}box($m != 0 and ($m < 0) != ($y < 0) ? $m + $y : $m, {H}sgn($b), $f))))"
           + "}", ("num", "isf", "sgn", "box")),
    # the execution output: tags decoded into JSON numbers, at any depth
    "out": (f"function($v){{$type($v) = 'object' ? ({H}tag($v) ? {H}num($v) "
            f": ($k := [$keys($v)]; $count($k) = 0 ? {{}} "
            f": $merge($map($k, function($kk){{ {{$kk: {H}out($lookup($v, $kk))}} }})))) "
            f": $type($v) = 'array' ? $reduce($v, function($a, $e){{ $append($a, ($o := {H}out($e); "
            f"$type($o) = 'array' ? [[$o]] : [$o])) }}, []) : $v}}", ("tag", "num")),
    # the execution input: a whole number beyond 2**53, or a dict holding the key "$float"?
    # (with $t, the tags made for a float parameter are fine)
    "big": (f"function($v, $t){{$type($v) = 'number' ? $abs($v) > {MAX_EXACT} "
            f": $type($v) = 'array' ? $count($filter($v, function($e){{ {H}big($e, $t) }})) > 0 "
            f": $type($v) = 'object' ? ($exists($lookup($v, {_K})) ? $not($t and $count([$keys($v)]) = 1) "
            f": $count($filter([$keys($v)], function($k){{ {H}big($lookup($v, $k), $t) }})) > 0) : false}}", ()),
}

_CALL = re.compile(re.escape(H) + r"(" + "|".join(HELPERS) + r")\(")


def with_helpers(text: str) -> str:
    """``text`` preceded by the definitions of the helpers it calls (and those they call)."""
    wanted: list[str] = []
    todo = [m for m in _CALL.findall(text) if f"{H}{m} := function" not in text]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.append(name)
        todo += HELPERS[name][1]
    if not wanted:
        return text
    order = [n for n in HELPERS if n in wanted]  # a fixed order: the same text for the same input
    defs = "".join(f"{H}{n} := {HELPERS[n][0]}; " for n in order)
    return f"({defs}{text})"


# --------------------------------------------------------------------------- generated JSONata

def tag(x: str) -> str:
    return f"{H}tag({x})"


def is_float(x: str) -> str:
    return f"{H}isf({x})"


def is_number(x: str) -> str:
    return f"{H}isn({x})"


def num(x: str) -> str:
    return f"{H}num({x})"


def box(result: str, negative_zero: str, float_: str) -> str:
    return f"{H}box({result}, {negative_zero}, {float_})"


def sign(x: str) -> str:
    return f"{H}sgn({x})"


def arith(op: str, a: str, b: str) -> str:
    return f"{H}ar('{op}', {a}, {b})"


def output(x: str) -> str:
    """The execution output of ``x``: plain JSON, whole floats as JSON numbers."""
    v = f"{H}ov"
    return f"({v} := {x}; $contains($string({v}), '\"{FLOAT_KEY}\"') ? {H}out({v}) : {v})"


def unsafe_input(x: str, tags_allowed: bool) -> str:
    return f"{H}big({x}, {'true' if tags_allowed else 'false'})"


def as_declared(spec, x: str, depth: int = 0) -> str:
    """JSONata: the input value ``x`` with the numbers at positions declared ``float`` made floats
    (contract.as_declared natively). ``spec`` is a contract description."""
    kind = spec[0] if spec else None
    e = f"{H}d{depth}"
    if kind == "float":
        return f"($type({x}) = 'number' ? {box(x, 'false', 'true')} : {x})"
    if kind == "optional":
        return as_declared(spec[1], x, depth)
    if kind == "list":
        inner = as_declared(spec[1], e, depth + 1)
        b = f"{H}b{depth}"
        return (f"($type({x}) = 'array' ? $reduce({x}, function({H}a{depth}, {e}) {{ $append({H}a{depth}, "
                f"({b} := {inner}; $type({b}) = 'array' ? [[{b}]] : [{b}])) }}, []) : {x})")
    if kind == "dict" or kind == "typeddict":
        if kind == "dict":
            value = as_declared(spec[1], f"$lookup({x}, {e})", depth + 1)
        else:
            value = f"$lookup({x}, {e})"
            for key, field, _ in spec[2]:
                if "'float'" in repr(field):
                    value = (f"({e} = {_q(key)} ? {as_declared(field, f'$lookup({x}, {e})', depth + 1)} "
                             f": {value})")
        return (f"($type({x}) = 'object' and $count([$keys({x})]) > 0 ? $merge($map([$keys({x})], "
                f"function({e}) {{ {{{e}: {value}}} }})) : {x})")
    return x


# --------------------------------------------------------------------------- values

def encode(value):
    """A Python value (a literal of the workflow) in the machine's representation."""
    if isinstance(value, float) and not isinstance(value, bool):
        if value == 0 and math.copysign(1.0, value) < 0:
            return {FLOAT_KEY: NEG_ZERO}
        if math.isfinite(value) and value.is_integer():
            return {FLOAT_KEY: value}
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(value):
    """The machine's representation as Python values (tags become floats)."""
    if isinstance(value, dict):
        if FLOAT_KEY in value and len(value) == 1:
            v = value[FLOAT_KEY]
            return -0.0 if v == NEG_ZERO else float(v)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def output_value(value):
    """What the execution output shows for a Python value: JSON numbers (``2.0`` is ``2``)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [output_value(v) for v in value]
    if isinstance(value, dict):
        return {k: output_value(v) for k, v in value.items()}
    return value


def decode_output_template(value):
    """A top-level ``Output`` template with literal tags as JSON numbers and every expression
    decoded (the output leaves the machine as plain JSON)."""
    if isinstance(value, str):
        match = re.match(r"^\{%(.*)%\}$", value, re.DOTALL)
        if not match or match.group(1).strip() == "null":
            return value
        from pysfn.compiler.jsonata import wrap
        return wrap(output(match.group(1).strip()))
    if isinstance(value, list):
        return [decode_output_template(v) for v in value]
    if isinstance(value, dict):
        if FLOAT_KEY in value and len(value) == 1:
            return output_value(decode(value))
        return {k: decode_output_template(v) for k, v in value.items()}
    return value
