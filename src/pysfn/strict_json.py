"""JSON as Step Functions reads it: no NaN, no Infinity, bounded nesting.

Python's ``json`` accepts ``NaN``/``Infinity``/``-Infinity`` and writes them back, which no
other JSON reader (Step Functions included) accepts; it also recurses once per nesting level,
so a 5,000-deep document raises ``RecursionError``. ``loads`` refuses both with a
``ValueError`` that says what is wrong (callers print it as one line); ``dumps`` never writes a
non-finite number.
"""

from __future__ import annotations

import json

MAX_DEPTH = 500  # far beyond any real document; well within Python's recursion limit


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number (JSON numbers are finite)")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays/objects in JSON ``text`` (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def loads(text: str, max_depth: int = MAX_DEPTH):
    """``json.loads`` without NaN/Infinity and with at most ``max_depth`` levels of nesting."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise ValueError(f"nested {depth} levels deep; pysfn reads JSON at most {max_depth} levels deep")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError(f"nested too deeply; pysfn reads JSON at most {max_depth} levels deep") from None


def value_depth(value, limit: int = MAX_DEPTH) -> int:
    """The nesting depth of a JSON value, iteratively; stops counting past ``limit``."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def dumps(value, **kwargs) -> str:
    """``json.dumps`` that refuses NaN/Infinity (ValueError) and over-deep values."""
    if value_depth(value) > MAX_DEPTH:
        raise ValueError(f"the value is nested more than {MAX_DEPTH} levels deep")
    return json.dumps(value, allow_nan=False, **kwargs)
