"""JSONata for Python operations (``ir.Op``): arithmetic, builtins and methods, with Python's meaning.

Each generator takes the JSONata of its operands and returns JSONata that computes what
CPython computes for every JSON value, or raises ``$error('PythonError: message')`` where
CPython raises. Numbers follow Python's number model (``numbers.py``: ints and floats kept
apart, whole floats tagged): ``+ - * /`` give the same bits as CPython and a float or an int as
CPython would; ``//`` and ``%`` are exact for integers and whole floats (floats that are not whole
are extracted or fail loudly). Integer results beyond 2**53 cannot be exact in JSON: they fail
with an OverflowError that says so, instead of silently losing digits.

The front end (``expressions.py``) only builds an ``Op`` where this is exact; what depends on
a static type (``str()`` of a number) is decided there, with ``types.py``.
"""

from __future__ import annotations

from pysfn.compiler import numbers
from pysfn.compiler.jsonata import T, literal
from pysfn.compiler.jsonata_text import code_points, ends_with, repeat, starts_with
from pysfn.compiler.loops import iterated, py_type, typed_error

MAX_EXACT = 2 ** 53 - 1


# Python's str.isspace() characters: JS/JSONata's \s differs (it has U+FEFF, lacks U+001C..U+001F).
_SPACE = "[\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


def _num(x: str) -> str:
    """A number, bool or tagged float as the JSONata number it stands for (numbers.py)."""
    return numbers.num(x)


def _is_num(x: str) -> str:
    return numbers.is_number(x)


def _is_int(x: str) -> str:
    return f"({x} = $floor({x}))"


def _unsupported(op: str, a: str, b: str) -> str:
    return (f"$error(\"TypeError: unsupported operand type(s) for {op}: '\" & {py_type(a)} & \"' and '\" "
            f"& {py_type(b)} & \"'\")")


def _binary(body) -> callable:
    """A generator binding both operands once to ``$pysfn__a``/``$pysfn__b``."""
    def generate(args: list[str]) -> str:
        a, b = f"{T}a", f"{T}b"
        return f"({a} := {args[0]}; {b} := {args[1]}; {body(a, b)})"
    return generate


def _arith(symbol: str, a: str, b: str) -> str:
    return numbers.arith(symbol, a, b)


def _add(a: str, b: str, sym: str = "+") -> str:
    return (f"{_is_num(a)} and {_is_num(b)} ? {_arith('+', a, b)} "
            f": $type({a}) = 'string' and $type({b}) = 'string' ? {a} & {b} "
            f": $type({a}) = 'array' and $type({b}) = 'array' ? $append({a}, {b}) "
            f": $type({a}) = 'string' ? $error(\"TypeError: can only concatenate str (not \\\"\" & {py_type(b)} "
            f"& \"\\\") to str\") "
            f": $type({a}) = 'array' ? $error(\"TypeError: can only concatenate list (not \\\"\" & {py_type(b)} "
            f"& \"\\\") to list\") : {_unsupported(sym, a, b)}")


def _sub(a: str, b: str, sym: str = "-") -> str:
    return f"{_is_num(a)} and {_is_num(b)} ? {_arith('-', a, b)} : {_unsupported(sym, a, b)}"


def _repeat(seq: str, n: str) -> str:
    """``seq * n`` for a str or list and an int (bools count): empty for n <= 0."""
    k = f"{T}k"
    return (f"({k} := {_num(n)}; $type({seq}) = 'string' ? ({k} <= 0 ? '' : {repeat(seq, k)}) "
            f": ({k} <= 0 ? [] : $reduce([1..{k}], function({T}acc, {T}i) {{ $append({T}acc, {seq}) }}, [])))")


def _mul(a: str, b: str, sym: str = "*") -> str:
    seq = "$type({0}) in ['string', 'array']"
    # an int (or bool): a float, even a whole one, cannot repeat a sequence
    whole = "($type({0}) = 'boolean' or ($type({0}) = 'number' and " + _is_int("{0}") + "))"
    return (f"{_is_num(a)} and {_is_num(b)} ? {_arith('*', a, b)} "
            f": {seq.format(a)} and {whole.format(b)} ? {_repeat(a, b)} "
            f": {seq.format(b)} and {whole.format(a)} ? {_repeat(b, a)} "
            f": {seq.format(a)} and {_is_num(b)} or {seq.format(b)} and {_is_num(a)} "
            f"? $error(\"TypeError: can't multiply sequence by non-int of type 'float'\") "
            f": {_unsupported(sym, a, b)}")


def _truediv(a: str, b: str, sym: str = "/") -> str:
    return f"{_is_num(a)} and {_is_num(b)} ? {_arith('/', a, b)} : {_unsupported(sym, a, b)}"


def _floor_op(symbol: str, sym: str | None = None):
    """``//`` and ``%``: ``a - b * floor(a / b)`` is CPython's result, exactly, for integers (and
    whole floats) below 2**53 (``a / b`` cannot round across an integer there). Floats that are
    not whole fail with a pysfn error (numbers.py): jsonata-python's ``%`` is not JavaScript's,
    and no other JSONata form is exact; the front end extracts a statically float operand."""
    def body(a: str, b: str) -> str:
        return f"{_is_num(a)} and {_is_num(b)} ? {_arith(symbol, a, b)} : {_unsupported(sym or symbol, a, b)}"
    return body


def _neg(args: list[str]) -> str:
    x = f"{T}x"
    return (f"({x} := {args[0]}; {_is_num(x)} ? {numbers.box('0 - ' + _num(x), '$not(' + numbers.sign(x) + ')', numbers.is_float(x))} "
            f": $error(\"TypeError: bad operand type for unary -: '\" & {py_type(x)} & \"'\"))")


def _pos(args: list[str]) -> str:
    x = f"{T}x"
    return (f"({x} := {args[0]}; {_is_num(x)} ? ($type({x}) = 'boolean' ? {_num(x)} : {x}) "
            f": $error(\"TypeError: bad operand type for unary +: '\" & {py_type(x)} & \"'\"))")


def _square(args: list[str]) -> str:
    x, n = f"{T}x", f"{T}n"
    return (f"({x} := {args[0]}; {_is_num(x)} ? ({n} := {_num(x)}; {numbers.box(f'{n} * {n}', 'false', numbers.is_float(x))}) "
            f": {_unsupported('** or pow()', x, '2')})")


def _len(args: list[str]) -> str:
    x = f"{T}x"
    return (f"({x} := {args[0]}; $type({x}) = 'string' ? $length({x}) : $type({x}) = 'array' ? $count({x}) "
            f": $type({x}) = 'object' and $not({numbers.tag(x)}) ? $count([$keys({x})]) "
            f": $error(\"TypeError: object of type '\" & {py_type(x)} & \"' has no len()\"))")


def _abs(args: list[str]) -> str:
    x = f"{T}x"
    return (f"({x} := {args[0]}; {_is_num(x)} ? {numbers.box('$abs(' + _num(x) + ')', 'false', numbers.is_float(x))} "
            f": $error(\"TypeError: bad operand type for abs(): '\" & {py_type(x)} & \"'\"))")


def _round(args: list[str]) -> str:
    """``round(x)``: to the nearest int, ties to even (JSONata's $round rounds half to even too)."""
    x = f"{T}x"
    return (f"({x} := {args[0]}; {_is_num(x)} ? {numbers.box(f'$round({_num(x)})', 'false', 'false')} "
            f": $error(\"TypeError: type \" & {py_type(x)} & \" doesn't define __round__ method\"))")


def _str(args: list[str]) -> str:
    """``str(x)`` for a value the front end knows is an int, str, bool or None."""
    x = f"{T}x"
    return (f"({x} := {args[0]}; $type({x}) = 'string' ? {x} : $type({x}) = 'boolean' ? ({x} ? 'True' : 'False') "
            f": $type({x}) = 'null' ? 'None' : $type({x}) = 'number' and {_is_int(x)} "
            f"? ($abs({x}) < 1e15 ? $string({x}) : {_big_int_text(x)}) "
            f": $error('ValueError: pysfn: this number cannot be formatted exactly here'))")


def _big_int_text(x: str) -> str:
    """An int of 16 digits (up to 2**53) written exactly: JSONata's $string writes 15 significant
    digits, so the last 8 digits are written on their own (exact arithmetic below 2**53; no $pad,
    which issue 14 keeps out of compiled machines)."""
    a, h = f"{T}ab", f"{T}hi"
    return (f"({a} := $abs({x}); {h} := $floor({a} / 100000000); ({x} < 0 ? '-' : '') & $string({h}) "
            f"& $replace($string(100000000 + ({a} - {h} * 100000000)), /^1/, ''))")  # 8 digits, zeros kept


def _concat(args: list[str]) -> str:
    return "(" + " & ".join(args) + ")" if args else "''"


def _string_method(name: str, body):
    def generate(args: list[str]) -> str:
        s = f"{T}s"
        extra = "".join(f"{T}p{i} := {a}; " for i, a in enumerate(args[1:]))
        check = (f"$type({s}) = 'string' ? ({body(s, *[f'{T}p{i}' for i in range(len(args) - 1)])}) "
                 f": {typed_error('AttributeError', s, 'object has no attribute ' + repr(name))}")
        return f"({s} := {args[0]}; {extra}{check})"
    return generate


def _startswith(s: str, p: str) -> str:
    return (f"$type({p}) = 'string' ? {starts_with(s, p)} "
            f": $error(\"TypeError: startswith first arg must be str or a tuple of str, not \" & {py_type(p)})")


def _endswith(s: str, p: str) -> str:
    return (f"$type({p}) = 'string' ? {ends_with(s, p)} "
            f": $error(\"TypeError: endswith first arg must be str or a tuple of str, not \" & {py_type(p)})")


def _replace(s: str, old: str, new: str) -> str:
    chars = code_points(s)
    return (f"$type({old}) != 'string' or $type({new}) != 'string' ? $error('TypeError: replace() argument "
            f"must be str') : {old} = '' ? ({s} = '' ? {new} : {new} & $join({chars}, {new}) & {new}) "
            f": $replace({s}, {old}, {new})")


def _split(s: str, sep: str | None = None) -> str:
    if sep is None:  # runs of whitespace, no empty strings
        parts = f"{T}parts"
        return (f"({parts} := [$split({s}, /{_SPACE}+/)]; "
                f"[$filter({parts}, function({T}v) {{ {T}v != '' }})])")
    return (f"$type({sep}) != 'string' ? $error(\"TypeError: must be str or None, not \" & {py_type(sep)}) "
            f": {sep} = '' ? $error('ValueError: empty separator') : [$split({s}, {sep})]")


def _join(s: str, items: str) -> str:
    v, it = f"{T}v", f"{T}items"
    return (f"$not($type({items}) in ['array', 'object', 'string']) ? $error(\"TypeError: can only join an "
            f"iterable\") : ({it} := {iterated(items)}; $count($filter({it}, function({v}) {{ $type({v}) != 'string' }})) > 0 "
            f"? $error('TypeError: sequence item: expected str instance') : $join({it}, {s}))")


def _strip(side: str):
    pattern = {"both": f"/^{_SPACE}+|{_SPACE}+$/", "left": f"/^{_SPACE}+/", "right": f"/{_SPACE}+$/"}[side]
    return lambda s: f"$replace({s}, {pattern}, '')"


def _get(args: list[str]) -> str:
    d, k = f"{T}dg", f"{T}kg"
    default = args[2] if len(args) > 2 else "null"
    return (f"({d} := {args[0]}; {k} := {args[1]}; $type({d}) = 'object' "
            f"? ($type({k}) = 'string' and $exists($lookup({d}, {k})) ? $lookup({d}, {k}) : {default}) "
            f": {typed_error('AttributeError', d, 'object has no attribute ' + repr('get'))})")


AUGMENTED = {  # x op= y: the same operation, CPython names the operator "op=" in its errors
    "+=": _binary(lambda a, b: _add(a, b, "+=")), "-=": _binary(lambda a, b: _sub(a, b, "-=")),
    "*=": _binary(lambda a, b: _mul(a, b, "*=")), "/=": _binary(lambda a, b: _truediv(a, b, "/=")),
    "//=": _binary(_floor_op("//", "//=")),
    "%=": _binary(_floor_op("%", "%=")),
}

def _int_arith(symbol: str):
    """``a op b`` where both are ints by their static types (types.py): no type switch, only
    the check that the result is still an exact JSON integer."""
    def generate(args: list[str]) -> str:
        r = f"{T}res"
        return (f"({r} := {args[0]} {symbol} {args[1]}; $abs({r}) > {MAX_EXACT} "
                f"? $error('OverflowError: pysfn: an integer beyond 2**53 cannot be exact in JSON') : {r})")
    return generate


def _plain_compare(symbol: str):
    """A comparison of two ints (or ==/!= of two strs) by their static types: JSONata's own."""
    return lambda args: f"({args[0]}) {symbol} ({args[1]})"


TYPED_COMPARE = {"typed" + py: _plain_compare(js) for py, js in
                 (("==", "="), ("!=", "!="), ("<", "<"), ("<=", "<="), (">", ">"), (">=", ">="))}


OPS = {
    **TYPED_COMPARE,
    "int+": _int_arith("+"), "int-": _int_arith("-"), "int*": _int_arith("*"),
    "+": _binary(_add), "-": _binary(_sub), "*": _binary(_mul), "/": _binary(_truediv),
    "//": _binary(_floor_op("//")),
    "%": _binary(_floor_op("%")),
    "neg": _neg, "pos": _pos, "square": _square,
    "len": _len, "abs": _abs, "round": _round, "str": _str, "concat": _concat,
    "upper": _string_method("upper", lambda s: f"$uppercase({s})"),
    "lower": _string_method("lower", lambda s: f"$lowercase({s})"),
    "strip": _string_method("strip", _strip("both")),
    "lstrip": _string_method("lstrip", _strip("left")),
    "rstrip": _string_method("rstrip", _strip("right")),
    "startswith": _string_method("startswith", _startswith),
    "endswith": _string_method("endswith", _endswith),
    "replace": _string_method("replace", _replace),
    "split": _string_method("split", _split),
    "join": _string_method("join", _join),
    "get": _get,
    **AUGMENTED,
}
# How many arguments (after the object, for methods) each op takes.
METHOD_ARITY = {"upper": (0, 0), "lower": (0, 0), "strip": (0, 0), "lstrip": (0, 0), "rstrip": (0, 0),
                "startswith": (1, 1), "endswith": (1, 1), "replace": (2, 2), "split": (0, 1), "join": (1, 1),
                "get": (1, 2)}
