"""JSONPath as Step Functions evaluates it (Jayway JsonPath underneath): parsing, selecting, and
writing a result into the input (``ResultPath``).

Three roots: ``$`` (the data the field reads: the effective input, the task result, ...), ``$$``
(the context object) and ``$name`` (the workflow variable ``name``).

A *definite* path (only names and single indices) selects one value and fails when a step is
missing; an *indefinite* one (``[*]``, slices, ``..``, filters, unions) selects a list of every
match, possibly empty. The failure messages follow Jayway's, which AWS passes through verbatim
("No results for path: $['a']" when the last step is missing, "Missing property in path
$['a']" when an earlier one is).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable


class PathSyntaxError(ValueError):
    """The text is not a JSONPath Step Functions accepts."""


class PathNotFound(Exception):
    """A definite path selects nothing: ``message`` is Jayway's wording."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Steps

@dataclass(frozen=True)
class Name:
    key: str


@dataclass(frozen=True)
class Index:
    index: int


@dataclass(frozen=True)
class Wildcard:
    pass


@dataclass(frozen=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True)
class Union:
    keys: tuple  # names (str) or indices (int)


@dataclass(frozen=True)
class Descend:
    key: str | None  # ``..name``; None: ``..*``


@dataclass(frozen=True)
class Filter:
    test: Callable[[Any, Any], bool]  # (item, root) -> bool
    text: str


_DEFINITE = (Name, Index)


def _normal(steps) -> str:
    return "$" + "".join(f"['{s.key}']" if isinstance(s, Name) else f"[{s.index}]" for s in steps)


class Path:
    """A parsed path. ``root`` is ``"$"``, ``"$$"`` or a variable name."""

    __slots__ = ("text", "root", "steps", "definite")

    def __init__(self, text: str, root: str, steps: list):
        self.text = text
        self.root = root
        self.steps = steps
        self.definite = all(isinstance(step, _DEFINITE) for step in steps)

    def select(self, data: Any, root: Any = None) -> Any:
        """The value (definite path) or the list of matches (indefinite). Raises ``PathNotFound``."""
        if self.definite:
            value = data
            for i, step in enumerate(self.steps):
                if isinstance(step, Name):
                    if isinstance(value, dict) and step.key in value:
                        value = value[step.key]
                        continue
                elif isinstance(value, list) and -len(value) <= step.index < len(value):
                    value = value[step.index]
                    continue
                if i == len(self.steps) - 1 or not isinstance(step, Name):
                    raise PathNotFound(f"No results for path: {_normal(self.steps)}")
                raise PathNotFound(f"Missing property in path {_normal(self.steps[:i + 1])}")
            return value
        matches = [data]
        for step in self.steps:
            matches = [found for value in matches for found in _apply(step, value, data if root is None else root)]
        return matches

    def __repr__(self) -> str:
        return f"Path({self.text!r})"


def _apply(step, value: Any, root: Any) -> list:
    if isinstance(step, Name):
        return [value[step.key]] if isinstance(value, dict) and step.key in value else []
    if isinstance(step, Index):
        if isinstance(value, list) and -len(value) <= step.index < len(value):
            return [value[step.index]]
        return []
    if isinstance(step, Wildcard):
        if isinstance(value, dict):
            return list(value.values())
        return list(value) if isinstance(value, list) else []
    if isinstance(step, Slice):
        return value[step.start:step.stop:step.step] if isinstance(value, list) else []
    if isinstance(step, Union):
        found = []
        for key in step.keys:
            found += _apply(Index(key) if isinstance(key, int) else Name(key), value, root)
        return found
    if isinstance(step, Descend):
        found = []
        _descend(value, step.key, found)
        return found
    if isinstance(step, Filter):
        items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
        return [item for item in items if step.test(item, root)]
    raise AssertionError(step)


def _descend(value: Any, key: str | None, found: list) -> None:
    if isinstance(value, dict):
        for k, item in value.items():
            if key is None or k == key:
                found.append(item)
            _descend(item, key, found)
    elif isinstance(value, list):
        for item in value:
            if key is None:
                found.append(item)
            _descend(item, key, found)


# ---------------------------------------------------------------------------------------------
# Parsing

_NAME_CHARS = re.compile(r"[^.\[\]()\s,=!<>&|]+")
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_cache: dict[str, Path] = {}


def parse(text: str) -> Path:
    """Parse a path (cached). Raises ``PathSyntaxError``."""
    path = _cache.get(text)
    if path is None:
        if len(_cache) > 4096:
            _cache.clear()
        path = _cache[text] = _Parser(text).path()
    return path


def is_path(text: Any) -> bool:
    return isinstance(text, str) and text.startswith("$")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def error(self, why: str) -> PathSyntaxError:
        return PathSyntaxError(f"The value '{self.text}' is not a valid JSONPath ({why})")

    def path(self) -> Path:
        text = self.text
        if text.startswith("$$"):
            root, self.i = "$$", 2
        elif (m := _VARIABLE.match(text)) is not None:
            root, self.i = m.group(1), m.end()
        elif text.startswith("$"):
            root, self.i = "$", 1
        else:
            raise self.error("it must start with $")
        steps = self.steps(end=len(text))
        return Path(text, root, steps)

    def steps(self, end: int, stop: str = "") -> list:
        text, steps = self.text, []
        while self.i < end and text[self.i] not in stop:
            c = text[self.i]
            if text.startswith("..", self.i):
                self.i += 2
                if self.i < end and text[self.i] == "*":
                    self.i += 1
                    steps.append(Descend(None))
                else:
                    steps.append(Descend(self.name()))
            elif c == ".":
                self.i += 1
                if self.i < end and text[self.i] == "*":
                    self.i += 1
                    steps.append(Wildcard())
                elif text.startswith("length()", self.i):
                    raise self.error("functions are not supported")
                else:
                    steps.append(Name(self.name()))
            elif c == "[":
                steps.append(self.bracket())
            elif c.isspace():
                self.i += 1
            else:
                raise self.error(f"unexpected {c!r}")
        return steps

    def name(self) -> str:
        m = _NAME_CHARS.match(self.text, self.i)
        if m is None:
            raise self.error("a name is expected")
        self.i = m.end()
        return m.group(0)

    def bracket(self):
        text = self.text
        close = self._closing(self.i)
        inner = text[self.i + 1:close].strip()
        start = self.i + 1
        self.i = close + 1
        if inner == "*":
            return Wildcard()
        if inner.startswith("?"):
            return Filter(_filter(inner[1:].strip(), self), inner)
        if inner.startswith(("'", '"')):
            keys = tuple(_quoted_list(inner, self))
            return Name(keys[0]) if len(keys) == 1 else Union(keys)
        if ":" in inner:
            parts = [p.strip() for p in inner.split(":")]
            if len(parts) > 3:
                raise self.error("a slice has at most three parts")
            try:
                numbers = [int(p) if p else None for p in parts] + [None] * (3 - len(parts))
            except ValueError:
                raise self.error("slice bounds are integers") from None
            return Slice(*numbers)
        try:
            indices = tuple(int(p) for p in inner.split(","))
        except ValueError:
            raise PathSyntaxError(f"The value '{text}' is not a valid JSONPath (bad index at {start})") from None
        return Index(indices[0]) if len(indices) == 1 else Union(indices)

    def _closing(self, i: int) -> int:
        """The index of the ``]`` closing the ``[`` at ``i`` (quotes and parentheses respected)."""
        text, depth, quote = self.text, 0, None
        j = i + 1
        while j < len(text):
            c = text[j]
            if quote:
                if c == "\\":
                    j += 1
                elif c == quote:
                    quote = None
            elif c in "'\"":
                quote = c
            elif c in "([":
                depth += 1
            elif c in ")]":
                if depth == 0 and c == "]":
                    return j
                depth -= 1
            j += 1
        raise self.error("a '[' is not closed")


def _quoted_list(inner: str, parser: _Parser) -> list[str]:
    keys, i = [], 0
    while i < len(inner):
        quote = inner[i]
        if quote not in "'\"":
            raise parser.error("a quoted name is expected")
        j, out = i + 1, []
        while j < len(inner) and inner[j] != quote:
            if inner[j] == "\\" and inner[j + 1:j + 2] == quote:  # only \' (\") escapes; other backslashes stay
                j += 1
            out.append(inner[j])
            j += 1
        keys.append("".join(out))
        i = j + 1
        while i < len(inner) and inner[i] in ", ":
            i += 1
    return keys


# ---------------------------------------------------------------------------------------------
# Filters: ``[?(@.x == 1)]``, ``[?(@.x)]``, ``&&``, ``||``

_FILTER_TOKEN = re.compile(r"\s*(?:(?P<op>==|!=|<=|>=|<|>|&&|\|\||\(|\))|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
                           r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<word>true|false|null)"
                           r"|(?P<path>[@$][^\s=!<>&|()]*))")
_MISSING = object()


def _filter(text: str, parser: _Parser) -> Callable[[Any, Any], bool]:
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    tokens, i = [], 0
    while i < len(text):
        m = _FILTER_TOKEN.match(text, i)
        if m is None or m.end() == i:
            if text[i:].strip() == "":
                break
            raise parser.error(f"cannot read the filter at {text[i:]!r}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        i = m.end()
    position = [0]

    def peek():
        return tokens[position[0]] if position[0] < len(tokens) else (None, None)

    def take():
        token = peek()
        position[0] += 1
        return token

    def operand():
        kind, value = take()
        if kind == "str":
            return lambda item, root, v=value[1:-1]: v
        if kind == "num":
            return lambda item, root, v=json.loads(value): v
        if kind == "word":
            return lambda item, root, v=json.loads(value): v
        if kind == "path":
            rest = _Parser("$" + value[1:])
            rest.i = 1
            steps = rest.steps(len(rest.text))
            path = Path(value, value[0], steps)
            relative = value[0] == "@"

            def read(item, root):
                try:
                    found = path.select(item if relative else root)
                except PathNotFound:
                    return _MISSING
                return found
            return read
        if kind == "op" and value == "(":
            inner = disjunction()
            take()
            return inner
        raise parser.error("a filter operand is expected")

    def comparison():
        left = operand()
        kind, op = peek()
        if kind == "op" and op in ("==", "!=", "<", "<=", ">", ">="):
            take()
            right = operand()
            return lambda item, root: _compare(op, left(item, root), right(item, root))
        return lambda item, root: (value := left(item, root)) is not _MISSING and value is not False

    def conjunction():
        test = comparison()
        while peek() == ("op", "&&"):
            take()
            test = (lambda a, b: lambda item, root: a(item, root) and b(item, root))(test, comparison())
        return test

    def disjunction():
        test = conjunction()
        while peek() == ("op", "||"):
            take()
            test = (lambda a, b: lambda item, root: a(item, root) or b(item, root))(test, conjunction())
        return test

    return disjunction()


def _compare(op: str, a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        return op == "!=" and not (a is _MISSING and b is _MISSING)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    if op == "==":
        return a == b and (numbers or type(a) is type(b))
    if op == "!=":
        return not (a == b and (numbers or type(a) is type(b)))
    if not (numbers or (isinstance(a, str) and isinstance(b, str))):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


# ---------------------------------------------------------------------------------------------
# Writing a result: ResultPath

def reference_steps(path: Path) -> list:
    """The steps of a reference path (names and indices only); raises ``PathSyntaxError``."""
    if path.root != "$" or not path.definite:
        raise PathSyntaxError(f"The value '{path.text}' is not a valid reference path (only names and indices, "
                              f"rooted at $)")
    return path.steps


def put(data: Any, steps: list, result: Any) -> Any:
    """``data`` with ``result`` written at ``steps`` (a fresh copy along the way; missing objects
    are created). Raises ``PathNotFound`` where a step cannot be written."""
    if not steps:
        return result
    step, rest = steps[0], steps[1:]
    if isinstance(step, Name):
        if not isinstance(data, dict):
            raise PathNotFound(f"Missing property in path {_normal(steps[:1])}")
        copy = dict(data)
        copy[step.key] = put(data.get(step.key, {}) if rest else None, rest, result) if rest else result
        return copy
    if not isinstance(data, list) or not -len(data) <= step.index < len(data):
        raise PathNotFound(f"No results for path: {_normal(steps[:1])}")
    copy = list(data)
    copy[step.index] = put(data[step.index], rest, result)
    return copy
