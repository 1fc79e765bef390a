"""JSONPath Choice rules: ``{"Variable": "$.x", "NumericGreaterThan": 3, "Next": ...}``, ``And``,
``Or``, ``Not``, the ``Is*`` tests and the ``*Path`` comparisons.

A rule compiles into a predicate ``test(data, read) -> bool``: ``data`` is the Choice's effective
input and ``read(path)`` resolves a path (``$``, ``$$`` or a variable) or raises ``PathNotFound``.

As AWS does (and the conformance corpus records for every operator and JSON type): a comparison
whose variable is missing, or whose variable or comparand is not of the operator's type, is false
rather than an error; numbers compare by value (1 equals 1.0); booleans are not numbers; a
timestamp operand that is not an RFC 3339 timestamp makes the comparison false.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable

from . import jsonpath
from .errors import InvalidDefinition

_MISSING = object()

Read = Callable[[jsonpath.Path], Any]
Predicate = Callable[[Read], bool]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def timestamp(value: Any) -> datetime.datetime | None:
    """An RFC 3339 timestamp (uppercase ``T``, a zone: ``Z`` or an offset), else ``None``."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value.replace("Z", "+00:00")
    if "." in text:  # fromisoformat wants at most 6 fraction digits before Python 3.11
        head, _, rest = text.partition(".")
        digits = re.match(r"\d+", rest).group(0)
        text = f"{head}.{(digits + '000000')[:6]}{rest[len(digits):]}"
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def _matches(pattern: str, text: str) -> bool:
    """``StringMatches``: ``*`` is any run of characters; ``\\*`` a literal star, ``\\\\`` a backslash."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else re.escape(c))
        i += 1
    return re.fullmatch("".join(out), text, re.DOTALL) is not None


def _string_compare(op: str) -> Callable[[Any, Any], bool]:
    def compare(a, b):
        if not isinstance(a, str) or not isinstance(b, str):
            return False
        return _ORDER[op](a, b)
    return compare


def _numeric_compare(op: str) -> Callable[[Any, Any], bool]:
    def compare(a, b):
        if not _number(a) or not _number(b):
            return False
        return _ORDER[op](a, b)
    return compare


def _timestamp_compare(op: str) -> Callable[[Any, Any], bool]:
    def compare(a, b):
        a, b = timestamp(a), timestamp(b)
        if a is None or b is None:
            return False
        return _ORDER[op](a, b)
    return compare


def _boolean_equals(a, b):
    return isinstance(a, bool) and isinstance(b, bool) and a is b


_ORDER = {"Equals": lambda a, b: a == b, "LessThan": lambda a, b: a < b, "GreaterThan": lambda a, b: a > b,
          "LessThanEquals": lambda a, b: a <= b, "GreaterThanEquals": lambda a, b: a >= b}

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {}
for _op in _ORDER:
    COMPARISONS["String" + _op] = _string_compare(_op)
    COMPARISONS["Numeric" + _op] = _numeric_compare(_op)
    COMPARISONS["Timestamp" + _op] = _timestamp_compare(_op)
COMPARISONS["BooleanEquals"] = _boolean_equals
COMPARISONS["StringMatches"] = lambda a, b: isinstance(a, str) and isinstance(b, str) and _matches(b, a)

TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsPresent": lambda v: v is not _MISSING,
    "IsNumeric": _number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: timestamp(v) is not None,
}

_RULE_KEYS = {"Next", "Comment", "Assign"}


def compile_rule(spec: Any, where: str, top: bool = True) -> Predicate:
    """The predicate of one rule (``where`` names it in errors). Raises ``InvalidDefinition``."""
    if not isinstance(spec, dict):
        raise InvalidDefinition(f"{where} must be a JSON object")
    if top and "Next" not in spec:
        raise InvalidDefinition(f"{where} needs Next")
    keys = set(spec) - _RULE_KEYS
    if keys == {"And"} or keys == {"Or"}:
        (kind,) = keys
        parts = spec[kind]
        if not isinstance(parts, list) or not parts:
            raise InvalidDefinition(f"{where}.{kind} must be a non-empty array of rules")
        tests = [compile_rule(part, f"{where}.{kind}[{i}]", False) for i, part in enumerate(parts)]
        if kind == "And":
            return lambda read: all(test(read) for test in tests)
        return lambda read: any(test(read) for test in tests)
    if keys == {"Not"}:
        test = compile_rule(spec["Not"], f"{where}.Not", False)
        return lambda read: not test(read)
    if "Variable" not in spec:
        raise InvalidDefinition(f"{where} needs Variable (or And, Or, Not)")
    operators = keys - {"Variable"}
    if len(operators) != 1:
        raise InvalidDefinition(f"{where} needs exactly one comparison operator, has {sorted(operators)}")
    (operator,) = operators
    variable = _path(spec["Variable"], f"{where}.Variable")
    operand = spec[operator]

    def value_of(read: Read) -> Any:
        try:
            return read(variable)
        except jsonpath.PathNotFound:
            return _MISSING

    if operator in TESTS:
        if not isinstance(operand, bool):
            raise InvalidDefinition(f"{where}.{operator} must be true or false")
        check = TESTS[operator]

        def test(read: Read) -> bool:
            value = value_of(read)
            return (value is not _MISSING or operator == "IsPresent") and check(value) is operand
        return test
    base = operator[:-4] if operator.endswith("Path") and operator[:-4] in COMPARISONS else operator
    if base not in COMPARISONS:
        raise InvalidDefinition(f"{where}: unknown comparison operator {operator!r}")
    compare = COMPARISONS[base]
    if base != operator:
        comparand = _path(operand, f"{where}.{operator}")

        def by_path(read: Read) -> bool:
            value = value_of(read)
            if value is _MISSING:
                return False
            try:
                other = read(comparand)
            except jsonpath.PathNotFound:
                return False
            return compare(value, other)
        return by_path
    _check_literal(base, operand, f"{where}.{operator}")

    def by_value(read: Read) -> bool:
        value = value_of(read)
        return value is not _MISSING and compare(value, operand)
    return by_value


def _check_literal(operator: str, operand: Any, where: str) -> None:
    if operator.startswith(("String", "Timestamp")) and not isinstance(operand, str):
        raise InvalidDefinition(f"{where} must be a string")
    if operator.startswith("Numeric") and not _number(operand):
        raise InvalidDefinition(f"{where} must be a number")
    if operator == "BooleanEquals" and not isinstance(operand, bool):
        raise InvalidDefinition(f"{where} must be true or false")


def _path(text: Any, where: str) -> jsonpath.Path:
    if not isinstance(text, str):
        raise InvalidDefinition(f"{where} must be a JSONPath string")
    try:
        return jsonpath.parse(text)
    except jsonpath.PathSyntaxError as e:
        raise InvalidDefinition(f"{where}: {e}") from None
