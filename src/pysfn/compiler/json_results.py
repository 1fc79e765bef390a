"""What extracted code hands back to the state machine: JSON, or a located failure.

An extracted expression runs in the dispatcher Lambda and its value becomes a workflow
variable, so it must be a JSON value. Two lines of defence keep a non-JSON value from
becoming a silent difference:

* at compile time, a value slot whose expression is *known* to make something that is not
  JSON (``zip(...)``, ``map(...)``, ``d.values()``, ``range(...)``, a set, a generator) is
  refused at the line: ``refuse_iterator_value``. (A ``for`` header is not a value slot: it
  only iterates, and the extracted function makes the list Python would walk.)
* at run time, the generated function checks what it returns (``RESULT_CHECKS``, written into
  ``pysfn_extracted_<module>.py``): JSON types exactly (a tuple becomes a list, as JSON makes
  it), anything else (an iterator, a set, a ``datetime``, a ``Counter``, ``nan``, a dict with
  non-string keys...) raises ``PysfnNotJSONError`` naming FILE:LINE and the expression, instead
  of the Lambda runtime's bare ``Runtime.MarshalError`` or JSON's silent conversions (an int
  dict key turned into a string, a ``str`` subclass losing its type).

What a ``for`` walks (``result="iterable"``) is ``list(value)`` first: exactly the items a
Python ``for`` would see, each checked the same way.
"""

from __future__ import annotations

import ast

# Calls of these builtins make iterators or sets: not JSON values.
_NOT_VALUES = {
    "zip": "an iterator", "map": "an iterator", "filter": "an iterator", "enumerate": "an iterator",
    "reversed": "an iterator", "iter": "an iterator", "range": "a range", "set": "a set", "frozenset": "a set",
}
_VIEWS = {"keys", "values", "items"}


def _not_a_value(fc, node: ast.expr) -> tuple[ast.expr, str] | None:
    """(the node, what it makes) if ``node`` certainly makes something that is not JSON."""
    if isinstance(node, ast.GeneratorExp):
        return node, "a generator"
    if isinstance(node, (ast.Set, ast.SetComp)):
        return node, "a set"
    if isinstance(node, ast.Call):
        name = fc.builtin_name(node.func)
        if name in _NOT_VALUES:
            return node, _NOT_VALUES[name]
        if isinstance(node.func, ast.Attribute) and node.func.attr in _VIEWS and not node.args \
                and not node.keywords:
            return node, f"a dict view (dict_{node.func.attr})"
    if isinstance(node, ast.IfExp):
        return _not_a_value(fc, node.body) or _not_a_value(fc, node.orelse)
    if isinstance(node, ast.BoolOp):
        return next((r for r in (_not_a_value(fc, v) for v in node.values) if r), None)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next((r for r in (_not_a_value(fc, e) for e in node.elts) if r), None)
    if isinstance(node, ast.Dict):
        return next((r for r in (_not_a_value(fc, v) for v in node.values) if r), None)
    return None


def refuse_iterator_value(fc, expr: ast.expr) -> None:
    """A located error if ``expr`` (a value slot) is known to make a value that is not JSON."""
    found = _not_a_value(fc, expr)
    if found is None:
        return
    node, what = found
    src = ast.unparse(node)
    hint = f"make it a list: list({src})" if what != "a set" else f"make it a list: sorted({src}) or list({src})"
    raise fc.rep.error(node, f"'{src}' is {what}, not a value a workflow variable can hold (values are JSON: "
                       "lists, dicts, str, numbers, bool, None)",
                       hint + ", or iterate it directly: for x in " + src + ": ...")


# The run-time check, written into the generated module (stdlib only; the zip has no pysfn compiler).
RESULT_CHECKS = '''
class PysfnNotJSONError(Exception):
    """A value computed here that the state machine cannot hold: it is not JSON."""


def _pysfn_not_json(where, source, path, value, why):
    return PysfnNotJSONError("%s: %s%s is %s, not a JSON value the state machine can hold (%s)"
                             % (where, source, path, why, "values are JSON: list, dict with str keys, str, "
                                "int, float, bool, None; convert it, e.g. list(...), dict(...), str(...)"))


def _pysfn_checked(value, where, source, path):
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is int:
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _pysfn_not_json(where, source, path, value, "the float %r" % value)
        return value
    if kind is list or kind is tuple:
        return [_pysfn_checked(v, where, source, "%s[%d]" % (path, i)) for i, v in enumerate(value)]
    if kind is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _pysfn_not_json(where, source, path, value, "a dict with the key %r (a %s; JSON keys are "
                                      "strings)" % (k, type(k).__name__))
            out[k] = _pysfn_checked(v, where, source, "%s[%r]" % (path, k))
        return out
    what = "an iterator" if hasattr(value, "__next__") else "a " + kind.__name__
    raise _pysfn_not_json(where, source, path, value, "%s (%s)" % (what, kind.__qualname__))


def _pysfn_json(value, where, source):
    """The value of an extracted expression, checked to be JSON."""
    return _pysfn_checked(value, where, "'%s'" % source, "")


def _pysfn_iterated(value, where, source):
    """What a for loop walks: the items Python would see, as a list of JSON values."""
    return [_pysfn_checked(v, where, "an item of '%s'" % source, "") for v in value]
'''
