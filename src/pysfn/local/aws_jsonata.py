"""jsonata-python with AWS's measured behaviour patched on top: the JSONata engine of pysfn.local.

The engine was chosen by measurement (``benchmarks/bench_jsonata_engines.py``: pass rate on the
JSONata 2.0.6 reference suite and speed, against every JSONata engine on PyPI); it is
jsonata-python 0.7.1, a port of the Java implementation whose string and number handling AWS's
engine shows. Where it differs from what AWS was measured to do (``shared/AWS-MEASURED.md``,
quoted at each patch), AWS wins. Each patch has a test in ``tests/test_aws_jsonata.py``.

Every patch is local to the expressions pysfn.local parses: a subclass of ``Jsonata`` (for the
arithmetic), a regex engine passed to its constructor, and functions registered in the parsed
expression's own environment (which hide the built-ins of the same name). jsonata-python's global
frame is never touched: the oracle (``tests/oracle.py``) runs in the same process with stock
jsonata-python.

Strings: AWS's engine holds strings as UTF-16 (Java strings). Python holds code points, so the
functions whose result depends on the representation (``$substring``, ``$split`` with ``""``,
``$sort`` of strings) work here on the UTF-16 code units of the text and may return half of a
character above U+FFFF, as AWS does (a lone surrogate in a Python string).
"""

from __future__ import annotations

import math
import re
import urllib.parse
from typing import Any

from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.regex_engine import RegexFlags
from jsonata.utils import Utils

NULL = Utils.NULL_VALUE
DOUBLE_INTEGERS = 2 ** 53


# ---------------------------------------------------------------------------------------------
# Arithmetic: "1 / 0, -1 / 0, 0 / 0 do not fail: they are the strings "Infinity", "-Infinity",
# "NaN"; arithmetic on them fails later, comparisons do not (1 / 0 > 5 is true). Arithmetic past
# the double range does the same." Inside an evaluation the value is the double (so comparisons
# work and arithmetic on it fails with D1001, as in the reference); ``from_engine`` writes it out
# as the string.

class AwsJsonata(Jsonata):
    def evaluate_numeric_expression(self, lhs, rhs, op):
        if lhs is None or rhs is None or op not in ("+", "-", "*", "/") or \
                not Utils.is_numeric(lhs) or not Utils.is_numeric(rhs):
            return super().evaluate_numeric_expression(lhs, rhs, op)  # its checks and errors
        a, b = float(lhs), float(rhs)
        if op == "/" and b == 0:
            result = math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b)
        else:
            try:
                result = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
            except OverflowError:
                result = math.inf
        if not math.isfinite(result):
            return result
        return Utils.convert_number(result)


# ---------------------------------------------------------------------------------------------
# Regular expressions: "In a $replace regex, \s is ASCII whitespace only" (Java's \s).

_ASCII_SPACE = " \\t\\n\\x0b\\f\\r"


def _java_pattern(pattern: str) -> str:
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(_ASCII_SPACE if in_class else f"[{_ASCII_SPACE}]")
            elif nxt == "S" and not in_class:
                out.append(f"[^{_ASCII_SPACE}]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def regex_engine(pattern: str, flags: RegexFlags) -> re.Pattern:
    python_flags = (re.IGNORECASE if flags.case_insensitive else 0) | (re.MULTILINE if flags.multiline else 0)
    return re.compile(_java_pattern(pattern), python_flags)


# ---------------------------------------------------------------------------------------------
# UTF-16 text

def utf16_units(text: str) -> list[str]:
    """The UTF-16 code units of ``text``, one Python character each (surrogates for characters
    above U+FFFF; a lone surrogate already in the text stays one unit)."""
    units = []
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            units.append(chr(0xD800 + (code >> 10)))
            units.append(chr(0xDC00 + (code & 0x3FF)))
        else:
            units.append(char)
    return units


def from_units(units: list[str]) -> str:
    """Text from UTF-16 code units: surrogate pairs joined, a lone half kept as it is."""
    out, i = [], 0
    while i < len(units):
        code = ord(units[i])
        if 0xD800 <= code < 0xDC00 and i + 1 < len(units) and 0xDC00 <= ord(units[i + 1]) < 0xE000:
            out.append(chr(0x10000 + ((code - 0xD800) << 10) + (ord(units[i + 1]) - 0xDC00)))
            i += 2
        else:
            out.append(units[i])
            i += 1
    return "".join(out)


def _offset_by_code_points(units: list[str], count: int) -> int:
    """Java's ``String.offsetByCodePoints(0, count)``: the unit index after ``count`` code points;
    raises (IndexOutOfBoundsException) when the text has fewer."""
    index = 0
    for _ in range(count):
        if index >= len(units):  # AWS: the evaluation fails
            raise ValueError(f"$substring: offset {count} is past the end of the text, counted in code points "
                             f"(a character above U+FFFF is two UTF-16 units)")
        code = ord(units[index])
        pair = 0xD800 <= code < 0xDC00 and index + 1 < len(units) and 0xDC00 <= ord(units[index + 1]) < 0xE000
        index += 2 if pair else 1
    return index


def _substring(string=None, start=None, length=None):
    """AWS-MEASURED: "$length counts code points, but $substring with a negative start counts UTF-16
    units, some positive positions/lengths on text with characters above U+FFFF return half a
    character, $substring without a length failed at most starts on such text". This is the
    computation of the Java implementation on UTF-16 units: the start is converted from code
    points to units, the *length* too but counted from the start of the text, and a missing
    length is the text's length in units (so converting it fails when the text holds a
    character above U+FFFF)."""
    if string is NULL or start is NULL or length is NULL:
        raise JException("T0410", -1)
    if string is None:
        return None
    if not isinstance(string, str):
        raise JException("T0410", -1)
    if start is None:
        return string if length is None else ""
    units = utf16_units(string)
    unit_count, code_points = len(units), len(string)
    start = int(start)
    if unit_count + start < 0:
        start = 0
    if length is not None:
        length = int(length)
        if length <= 0:
            return ""
    else:
        length = unit_count
    if start >= code_points:
        return ""
    first = _offset_by_code_points(units, start if start >= 0 else max(0, code_points + start))
    length = _offset_by_code_points(units, min(length, unit_count))
    if first >= unit_count:
        return ""
    return from_units(units[first:min(first + length, unit_count)])


def _split(string=None, separator=None, limit=None):
    """AWS-MEASURED: "$split($s, '') splits such a character into two halves"; "$split with a
    string separator splits at that exact text and keeps empty parts" (as jsonata-python does)."""
    if isinstance(string, str) and separator == "":
        units = utf16_units(string)
        return units if limit is None or limit is NULL else units[:max(0, int(limit))]
    return Functions.split(string, separator, limit)


def _utf16_key(value: str) -> bytes:
    return "".join(utf16_units(value)).encode("utf-16-be", "surrogatepass")


def _sort(array=None, comparator=None):
    """AWS-MEASURED: "$sort with a comparator is stable on AWS (like sorted); jsonata-python reorders
    equal items. $sort without a function takes numbers or strings only", and "$sort orders
    strings by UTF-16 units". A merge sort that moves an item only when the comparator says so,
    as the reference implementation's."""
    if array is None:
        return None
    items = list(array) if isinstance(array, list) else [array]
    if len(items) <= 1:
        return items
    if comparator is None:
        if all(isinstance(v, str) for v in items):
            return sorted(items, key=_utf16_key)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return sorted(items)
        raise JException("D3070", -1)

    def swap(a, b) -> bool:
        result = Functions.func_apply(comparator, [a, b])
        return bool(result) if isinstance(result, bool) else result is not None and result is not NULL \
            and result != 0

    def merge_sort(values: list) -> list:
        if len(values) < 2:
            return values
        middle = len(values) // 2
        left, right = merge_sort(values[:middle]), merge_sort(values[middle:])
        merged, i, j = [], 0, 0
        while i < len(left) and j < len(right):
            if swap(left[i], right[j]):
                merged.append(right[j])
                j += 1
            else:
                merged.append(left[i])
                i += 1
        return merged + left[i:] + right[j:]
    return merge_sort(items)


# ---------------------------------------------------------------------------------------------
# Case, distinct, URL decoding, $range

def _lowercase(string=None):
    """AWS-MEASURED: "$lowercase/$uppercase match Python's lower()/upper() on İ ẞ Σ ß ǆ ﬁ
    (jsonata-python's do not)": jsonata-python casefolds ("Straße" -> "strasse")."""
    if string is None or string is NULL:
        return None if string is None else _type_error()
    return str(string).lower()


def _uppercase(string=None):
    if string is None or string is NULL:
        return None if string is None else _type_error()
    return str(string).upper()


def _type_error():
    raise JException("T0410", -1)


def _same(a, b) -> bool:
    """Deep equality where ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _distinct(array=None):
    """AWS-MEASURED: "$distinct keeps true apart from 1" (Python's 1 == True merges them)."""
    if array is None:
        return None
    if not isinstance(array, list) or len(array) <= 1:
        return array
    unique = []
    for item in array:
        if not any(_same(item, seen) for seen in unique):
            unique.append(item)
    return unique


_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _decode_url_component(string=None):
    """AWS-MEASURED: "$decodeUrlComponent reads + as space and fails on %zz (jsonata-python does
    neither)" -- Java's URLDecoder."""
    if string is None:
        return None
    if string is NULL or not isinstance(string, str):
        _type_error()
    if _PERCENT.search(string):
        raise JException("D3140", -1, string)
    try:
        return urllib.parse.unquote_plus(string, errors="strict")
    except UnicodeDecodeError:
        raise JException("D3140", -1, string) from None


def _no_eval(*arguments):
    """AWS-MEASURED: "AWS implements JSONata 2.0.6 without $eval"."""
    raise JException("T1006", -1)


OVERRIDES = {"eval": _no_eval, "substring": _substring, "split": _split, "sort": _sort, "lowercase": _lowercase,
             "uppercase": _uppercase, "distinct": _distinct, "decodeUrlComponent": _decode_url_component}


class RefusedOperator(ValueError):
    """AWS-MEASURED: "?? and ?: are refused at validation" (JSONata 2.1 operators; jsonata-python
    has them, 2.0.6 does not)."""


def refused_operator(node, seen=None) -> str | None:
    """``"??"`` or ``"?:"`` when the parsed expression uses one. jsonata-python parses both into a
    condition whose branch is its own test (``?:``) or the argument of an ``$exists`` test
    (``??``): a written ``$exists($x) ? $x : 1`` holds two distinct ``$x`` nodes, so it is not
    mistaken for one."""
    from jsonata.parser import Parser
    seen = set() if seen is None else seen
    if id(node) in seen or not isinstance(node, Parser.Symbol):
        return None
    seen.add(id(node))
    if node.type == "condition":
        test, then = getattr(node, "condition", None), getattr(node, "then", None)
        if test is not None and test is then:
            return "?:"
        procedure = getattr(test, "procedure", None)
        arguments = getattr(test, "arguments", None) or [None]
        if getattr(test, "type", None) == "function" and getattr(procedure, "value", None) == "exists" \
                and arguments[0] is then:
            return "??"
    for key, value in vars(node).items():
        if key == "_outer_instance":
            continue
        for item in value if isinstance(value, (list, tuple)) else (value,):
            found = refused_operator(item, seen)
            if found:
                return found
    return None


class _Native(Jsonata.JNativeFunction):
    """A replacement for a built-in: the built-in's signature (argument checks, the context
    argument, partial application) with AWS's implementation."""

    def __init__(self, name: str, method):
        builtin = Jsonata.static_frame.lookup(name)
        Jsonata.JFunction.__init__(self, None, None)
        self.function_name = name
        self.signature = builtin.signature
        self.method = method
        self.nargs = builtin.nargs


def builtin_replacement(name: str, method) -> _Native:
    """``method`` in place of the built-in ``$name``, keeping its signature (for
    ``program.register_function``)."""
    return _Native(name, method)


_NATIVES: dict[str, _Native] = {}


def _natives() -> dict[str, _Native]:
    if not _NATIVES:
        _NATIVES.update({name: _Native(name, method) for name, method in OVERRIDES.items() if name != "eval"})
    return _NATIVES


def parse_program(text: str, bounded_engine=None) -> AwsJsonata:
    """Parse ``text`` into an expression with AWS's behaviour (raises on a syntax error, and
    ``RefusedOperator`` for ``??``/``?:``). ``bounded_engine`` (limits.bounded_regex_engine) runs
    the patterns, after the same translation to Java's syntax, under the expression budget."""
    engine = regex_engine if bounded_engine is None else \
        (lambda pattern, flags: bounded_engine(_java_pattern(pattern), flags))
    program = AwsJsonata(text, regex_engine=engine)
    operator = refused_operator(program.ast)
    if operator is not None:
        raise RefusedOperator(f"the operator '{operator}' is not supported (JSONata 2.0.6 has no '{operator}')")
    program.register_lambda("eval", _no_eval)
    for name, function in _natives().items():
        program.register_function(name, function)
    return program


# ---------------------------------------------------------------------------------------------
# Values in and out

def to_engine(value: Any) -> Any:
    """A JSON value as the engine reads it: null as jsonata-python's ``NULL_VALUE`` at any depth
    (a plain ``None`` is *undefined* to it), and, AWS-MEASURED: "Numbers are doubles: an integer
    past 2**53 read from a variable or the input is rounded"."""
    kind = type(value)
    if value is None:
        return NULL
    if kind is int:
        return float(value) if abs(value) > DOUBLE_INTEGERS else value
    if kind is list:
        return [to_engine(item) for item in value] if _needs_conversion(value) else value
    if kind is dict:
        return {key: to_engine(item) for key, item in value.items()} if _needs_conversion(value) else value
    return value


def _needs_conversion(value: Any) -> bool:
    items = value.values() if type(value) is dict else value
    for item in items:
        kind = type(item)
        if item is None or (kind is int and abs(item) > DOUBLE_INTEGERS):
            return True
        if (kind is list or kind is dict) and _needs_conversion(item):
            return True
    return False


def number_out(value: float) -> Any:
    """A double leaving the engine: "Infinity"/"-Infinity"/"NaN" for the values JSON cannot hold
    (AWS-MEASURED), an integral double past 2**53 as the integer it is."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if abs(value) >= DOUBLE_INTEGERS and value == int(value):
        return int(value)
    return value

