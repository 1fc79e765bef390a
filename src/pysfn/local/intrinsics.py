"""The intrinsic functions of JSONPath mode (``"key.$": "States.Format('{}', $.x)"``).

An intrinsic is parsed once into a tree of calls whose arguments are literals (``'text'`` with
``\\'``, ``\\{``, ``\\}``, ``\\\\`` escapes, numbers, ``true``/``false``/``null``), paths (``$.x``,
``$$.Execution.Id``, ``$var.x``) or nested calls. Semantics follow AWS's recordings in the
conformance corpus, where they differ from a naive reading of the docs:

* ``States.MathAdd`` rounds each argument half up (Java's ``Math.round``: 1.5 -> 2, -1.5 -> -1,
  -0.5 -> 0) and adds the integers;
* ``States.StringSplit`` splits at *any character* of the delimiter and drops empty parts;
* ``States.Format`` writes strings as they are, ``null`` as ``null``, and objects and arrays as
  Java's ``toString`` does (``{a=1, b=[]}``).

A failure is ``States.IntrinsicFailure`` -- raised here as ``IntrinsicError`` with the message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import re
import uuid
from typing import Any, Callable

from . import jsonpath


class IntrinsicError(Exception):
    """A call failed (``States.IntrinsicFailure``)."""


class IntrinsicSyntaxError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------
# Parsing

class Call:
    __slots__ = ("name", "arguments", "text")

    def __init__(self, name: str, arguments: list, text: str):
        self.name, self.arguments, self.text = name, arguments, text


class Literal:
    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_FUNCTION = re.compile(r"States\.[A-Za-z0-9]+")


def is_intrinsic(text: Any) -> bool:
    return isinstance(text, str) and text.startswith("States.") and "(" in text


def parse(text: str) -> Call:
    parser = _Parser(text)
    call = parser.call()
    parser.skip_space()
    if parser.i != len(text):
        raise IntrinsicSyntaxError(f"unexpected text after the call: {text[parser.i:]!r}")
    return call


class _Parser:
    def __init__(self, text: str):
        self.text, self.i = text, 0

    def skip_space(self):
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n":
            self.i += 1

    def call(self) -> Call:
        start = self.i
        m = _FUNCTION.match(self.text, self.i)
        if m is None:
            raise IntrinsicSyntaxError(f"an intrinsic function is expected at {self.text[self.i:]!r}")
        name = m.group(0)
        self.i = m.end()
        self.skip_space()
        if self.i >= len(self.text) or self.text[self.i] != "(":
            raise IntrinsicSyntaxError(f"'(' is expected after {name}")
        self.i += 1
        arguments = []
        self.skip_space()
        if self.i < len(self.text) and self.text[self.i] == ")":
            self.i += 1
            return Call(name, arguments, self.text[start:self.i])
        while True:
            self.skip_space()
            arguments.append(self.argument())
            self.skip_space()
            if self.i >= len(self.text):
                raise IntrinsicSyntaxError(f"{name}( is not closed")
            c = self.text[self.i]
            self.i += 1
            if c == ")":
                return Call(name, arguments, self.text[start:self.i])
            if c != ",":
                raise IntrinsicSyntaxError(f"',' or ')' is expected in {name}, not {c!r}")

    def argument(self):
        text, i = self.text, self.i
        if text.startswith("'", i):
            return Literal(self.string())
        if text.startswith("States.", i):
            return self.call()
        if text.startswith("$", i):
            return self.path()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                self.i += len(word)
                return Literal(value)
        m = _NUMBER.match(text, i)
        if m is not None:
            self.i = m.end()
            number = m.group(0)
            return Literal(float(number) if m.group(1) or m.group(2) else int(number))
        raise IntrinsicSyntaxError(f"cannot read the argument at {text[i:]!r}")

    def string(self) -> str:
        text, out = self.text, []
        self.i += 1
        while self.i < len(text):
            c = text[self.i]
            if c == "\\" and self.i + 1 < len(text):
                out.append(text[self.i + 1])
                self.i += 2
                continue
            if c == "'":
                self.i += 1
                return "".join(out)
            out.append(c)
            self.i += 1
        raise IntrinsicSyntaxError("a string literal is not closed")

    def path(self) -> jsonpath.Path:
        text, depth, quote, j = self.text, 0, None, self.i
        while j < len(text):
            c = text[j]
            if quote:
                if c == quote:
                    quote = None
            elif c in "'\"" and depth > 0:
                quote = c
            elif c in "[(":
                depth += 1
            elif c in "])":
                if depth == 0:
                    break
                depth -= 1
            elif c == "," and depth == 0:
                break
            j += 1
        source = text[self.i:j].strip()
        self.i = j
        try:
            return jsonpath.parse(source)
        except jsonpath.PathSyntaxError as e:
            raise IntrinsicSyntaxError(str(e)) from None


# ---------------------------------------------------------------------------------------------
# Evaluation

def evaluate(call: Call, read: Callable[[jsonpath.Path], Any]) -> Any:
    """Evaluate ``call``; ``read(path)`` resolves a path argument (raises ``PathNotFound``)."""
    values = []
    for argument in call.arguments:
        if isinstance(argument, Literal):
            values.append(argument.value)
        elif isinstance(argument, Call):
            values.append(evaluate(argument, read))
        else:
            values.append(read(argument))
    function = FUNCTIONS.get(call.name)
    if function is None:
        raise IntrinsicError(f"The function '{call.name}' is not an intrinsic function")
    return function(*values) if call.name in _VARIADIC else _fixed(call.name, function, values)


def _fixed(name: str, function: Callable, values: list) -> Any:
    arity = _ARITY[name]
    if not arity[0] <= len(values) <= arity[1]:
        raise IntrinsicError(f"{name} takes {arity[0]}{'' if arity[0] == arity[1] else f' to {arity[1]}'} "
                             f"arguments, not {len(values)}")
    return function(*values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer(value: Any, name: str) -> int:
    if not _is_number(value) or value != int(value):
        raise IntrinsicError(f"{name}: {json.dumps(value)} is not an integer")
    return int(value)


def _java_round(value: float) -> int:
    return int(math.floor(value + 0.5))


def java_string(value: Any) -> str:
    """A value as Java's ``toString`` writes it inside ``States.Format``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={java_string(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    return json.dumps(value)


def _format(template=None, *arguments):
    if not isinstance(template, str):
        raise IntrinsicError("States.Format: the first argument must be a string")
    out, i, used = [], 0, 0
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            out.append(template[i + 1])
            i += 2
            continue
        if template.startswith("{}", i):
            if used >= len(arguments):
                raise IntrinsicError("States.Format: more {} placeholders than arguments")
            out.append(java_string(arguments[used]))
            used += 1
            i += 2
            continue
        out.append(c)
        i += 1
    if used != len(arguments):
        raise IntrinsicError("States.Format: fewer {} placeholders than arguments")
    return "".join(out)


def _string_to_json(text):
    if not isinstance(text, str):
        raise IntrinsicError("States.StringToJson: the argument must be a string")
    try:
        return json.loads(text) if text.strip() else None
    except ValueError as e:
        raise IntrinsicError(f"States.StringToJson: the string is not JSON ({e})") from None


def _json_to_string(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _array(*values):
    return list(values)


def _array_partition(array, size):
    if not isinstance(array, list):
        raise IntrinsicError("States.ArrayPartition: the first argument must be an array")
    size = _integer(size, "States.ArrayPartition")
    if size <= 0:
        raise IntrinsicError("States.ArrayPartition: the chunk size must be positive")
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_contains(array, value):
    if not isinstance(array, list):
        raise IntrinsicError("States.ArrayContains: the first argument must be an array")
    return any(_same(item, value) for item in array)


def _same(a, b) -> bool:
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _array_range(start, end, step):
    start, end, step = (_integer(v, "States.ArrayRange") for v in (start, end, step))
    if step == 0:
        raise IntrinsicError("States.ArrayRange: the step must not be 0")
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > 1000:
        raise IntrinsicError("States.ArrayRange: the range has more than 1000 items")
    return values


def _array_get_item(array, index):
    if not isinstance(array, list):
        raise IntrinsicError("States.ArrayGetItem: the first argument must be an array")
    index = _integer(index, "States.ArrayGetItem")
    if not 0 <= index < len(array):
        raise IntrinsicError(f"States.ArrayGetItem: index {index} is out of bounds")
    return array[index]


def _array_length(array):
    if not isinstance(array, list):
        raise IntrinsicError("States.ArrayLength: the argument must be an array")
    return len(array)


def _array_unique(array):
    if not isinstance(array, list):
        raise IntrinsicError("States.ArrayUnique: the argument must be an array")
    unique = []
    for item in array:
        if not any(_same(item, seen) for seen in unique):
            unique.append(item)
    return unique


def _base64_encode(text):
    if not isinstance(text, str):
        raise IntrinsicError("States.Base64Encode: the argument must be a string")
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(text):
    if not isinstance(text, str):
        raise IntrinsicError("States.Base64Decode: the argument must be a string")
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as e:
        raise IntrinsicError(f"States.Base64Decode: {e}") from None


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


def _hash(data, algorithm):
    if algorithm not in _HASHES:
        raise IntrinsicError(f"States.Hash: the algorithm must be one of {', '.join(_HASHES)}")
    text = data if isinstance(data, str) else _json_to_string(data)
    return hashlib.new(_HASHES[algorithm], text.encode("utf-8")).hexdigest()


def _json_merge(first, second, deep):
    if not isinstance(first, dict) or not isinstance(second, dict):
        raise IntrinsicError("States.JsonMerge: both values must be objects")
    if deep is not False:
        raise IntrinsicError("States.JsonMerge: only a shallow merge (false) is supported")
    return {**first, **second}


def _math_random(start, end, seed=None):
    # AWS accepts fractional bounds (the corpus: 12.5 and 44.51): they are truncated
    if not _is_number(start) or not _is_number(end):
        raise IntrinsicError("States.MathRandom: the bounds must be numbers")
    start, end = int(start), int(end)
    generator = random.Random(_integer(seed, "States.MathRandom")) if seed is not None else random
    return generator.randrange(start, end) if end > start else start


def _math_add(a, b):
    if not _is_number(a) or not _is_number(b):
        raise IntrinsicError("States.MathAdd: both arguments must be numbers")
    return _java_round(a) + _java_round(b)


def _string_split(text, delimiters):
    if not isinstance(text, str) or not isinstance(delimiters, str):
        raise IntrinsicError("States.StringSplit: both arguments must be strings")
    if not delimiters:
        return [text] if text else []
    parts = re.split("[" + re.escape(delimiters) + "]", text)
    return [part for part in parts if part]


def _uuid():
    return str(uuid.uuid4())


FUNCTIONS: dict[str, Callable] = {
    "States.Format": _format, "States.StringToJson": _string_to_json, "States.JsonToString": _json_to_string,
    "States.Array": _array, "States.ArrayPartition": _array_partition, "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range, "States.ArrayGetItem": _array_get_item, "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique, "States.Base64Encode": _base64_encode, "States.Base64Decode": _base64_decode,
    "States.Hash": _hash, "States.JsonMerge": _json_merge, "States.MathRandom": _math_random,
    "States.MathAdd": _math_add, "States.StringSplit": _string_split, "States.UUID": _uuid,
}
_VARIADIC = {"States.Format", "States.Array"}
_ARITY = {"States.StringToJson": (1, 1), "States.JsonToString": (1, 1), "States.ArrayPartition": (2, 2),
          "States.ArrayContains": (2, 2), "States.ArrayRange": (3, 3), "States.ArrayGetItem": (2, 2),
          "States.ArrayLength": (1, 1), "States.ArrayUnique": (1, 1), "States.Base64Encode": (1, 1),
          "States.Base64Decode": (1, 1), "States.Hash": (2, 2), "States.JsonMerge": (3, 3),
          "States.MathRandom": (2, 3), "States.MathAdd": (2, 2), "States.StringSplit": (2, 2), "States.UUID": (0, 0)}
