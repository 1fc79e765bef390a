"""The entry's signature as the contract of the execution input, checked natively.

``@PSF.main`` wraps the entry so that calling it checks its arguments the way the compiled
machine checks the execution input in its first state (``compiler/signature.py`` generates
that check from the same rules): missing required inputs first (in parameter order), then
unknown inputs (in the order given), then the types of the inputs given, against their
annotations. The first problem is a ``TypeError`` whose message is the same in both modes.

Checked annotations: ``str``, ``int`` (not bool), ``float`` (int or float, not bool),
``bool``, ``None``, ``list`` / ``list[T]``, ``dict`` / ``dict[str, T]``, ``Optional[T]`` /
``T | None`` and ``TypedDict`` classes (every key required unless ``total=False``; no other
keys). Other annotations are not checked (the compiler warns at them). Stdlib only: this
module ships in the Lambda package with the runtime.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing

_SCALARS = {int: "int", float: "float", str: "str", bool: "bool", type(None): "None"}


def spec_of(annotation, _within: tuple = ()):
    """A plain description of a checkable annotation, or None if it is not checked.

    A TypedDict field typed with another TypedDict nests; one that contains itself (through
    ``_within``, the chain being described) is a TypeError, as the compiler refuses it."""
    if annotation in _SCALARS:
        return (_SCALARS[annotation],)
    if annotation is None:
        return ("None",)
    if annotation is list:
        return ("list", None)
    if annotation is dict:
        return ("dict", None)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and len(args) == 1:
        inner = spec_of(args[0], _within)
        return ("list", inner) if inner else None
    if origin is dict and len(args) == 2 and args[0] is str:
        inner = spec_of(args[1], _within)
        return ("dict", inner) if inner else None
    if origin in (typing.Union, getattr(types, "UnionType", None)) and len(args) == 2 and type(None) in args:
        other = spec_of(args[0] if args[1] is type(None) else args[1], _within)
        return ("optional", other) if other else None
    if isinstance(annotation, type) and typing.is_typeddict(annotation):
        name = annotation.__name__
        if annotation in _within:
            chain = " -> ".join([t.__name__ for t in _within[_within.index(annotation):]] + [name])
            raise TypeError(f"the TypedDict '{name}' contains itself ({chain}): a recursive input type "
                            "has no finite check")
        hints = typing.get_type_hints(annotation)
        fields = []
        for key, hint in hints.items():
            field = spec_of(hint, _within + (annotation,))
            if field is None:
                return None
            fields.append((key, field, key in annotation.__required_keys__))
        return ("typeddict", annotation.__name__, tuple(fields))
    return None


def describe(spec) -> str:
    kind = spec[0]
    if kind == "list":
        return "list" if spec[1] is None else f"list[{describe(spec[1])}]"
    if kind == "dict":
        return "dict" if spec[1] is None else f"dict[str, {describe(spec[1])}]"
    if kind == "optional":
        return f"{describe(spec[1])} | None"
    if kind == "typeddict":
        return spec[1]
    return kind


def matches(spec, value) -> bool:
    kind = spec[0]
    if kind == "int":
        return type(value) is int
    if kind == "float":
        return type(value) in (int, float)
    if kind == "str":
        return type(value) is str
    if kind == "bool":
        return type(value) is bool
    if kind == "None":
        return value is None
    if kind == "list":
        return type(value) is list and (spec[1] is None or all(matches(spec[1], v) for v in value))
    if kind == "dict":
        return type(value) is dict and (spec[1] is None or all(matches(spec[1], v) for v in value.values()))
    if kind == "optional":
        return value is None or matches(spec[1], value)
    if kind == "typeddict":
        if type(value) is not dict:
            return False
        fields = {key: (field, required) for key, field, required in spec[2]}
        return (all(key in value for key, (_, required) in fields.items() if required)
                and all(key in fields and matches(fields[key][0], v) for key, v in value.items()))
    return True


MAX_EXACT = 2 ** 53 - 1
FLOAT_KEY = "$float"  # reserved by the machine's representation of whole floats (compiler/numbers.py)


def mentions_float(spec) -> bool:
    return spec is not None and "'float'" in repr(spec)


def number_problem(value, floats_allowed: bool) -> bool:
    """Would the state machine read ``value`` differently? An int beyond 2**53 (a double rounds it),
    a whole float beyond it where no float is declared (the machine would take it for an int), or a
    dict holding the reserved key ``"$float"``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_EXACT
    if isinstance(value, float):
        return not floats_allowed and value.is_integer() and abs(value) > MAX_EXACT
    if isinstance(value, list):
        return any(number_problem(v, floats_allowed) for v in value)
    if isinstance(value, dict):
        return FLOAT_KEY in value or any(number_problem(v, floats_allowed) for v in value.values())
    return False


def as_declared(spec, value):
    """``value`` with the ints at positions declared ``float`` made floats, as the machine reads a
    JSON number given for a float (JSON has one number type: ``2`` and ``2.0`` are the same text)."""
    if spec is None or value is None:
        return value
    kind = spec[0]
    if kind == "float" and type(value) is int:
        return float(value)
    if kind == "optional":
        return as_declared(spec[1], value)
    if kind == "list" and type(value) is list:
        return [as_declared(spec[1], v) for v in value]
    if kind == "dict" and type(value) is dict:
        return {k: as_declared(spec[1], v) for k, v in value.items()}
    if kind == "typeddict" and type(value) is dict:
        fields = {key: field for key, field, _ in spec[2]}
        return {k: as_declared(fields.get(k), v) for k, v in value.items()}
    return value


def python_type(value) -> str:
    return "NoneType" if value is None else type(value).__name__


def problem(name: str, params, given: dict) -> str | None:
    """The first problem of ``given`` (input key -> value) for ``params`` [(name, required, spec)]."""
    known = [p for p, _, _ in params]
    for p, required, _ in params:
        if required and p not in given:
            return f"{name}() missing required input '{p}'"
    for key in given:
        if key not in known:
            return f"{name}() got an unexpected input '{key}'"
    for p, _, spec in params:
        if spec is not None and p in given and not matches(spec, given[p]):
            return f"{name}() input '{p}' must be {describe(spec)}, not {python_type(given[p])}"
    for p, _, spec in params:
        if p in given and number_problem(as_declared(spec, given[p]), mentions_float(spec)):
            return number_message(name, p)
    return None


def number_message(name: str, param: str) -> str:
    return (f"{name}() input '{param}' holds a number the state machine cannot hold exactly (an int beyond "
            f"2**53: pass it as a string, or declare the parameter float) or a dict with the reserved key "
            f"'{FLOAT_KEY}'")


def checked(fn):
    """``fn`` with its arguments checked against its signature first (see the module docstring)."""
    signature = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 -- an annotation that cannot be resolved is not checked
        hints = {}
    params = [(p.name, p.default is inspect.Parameter.empty, spec_of(hints[p.name]) if p.name in hints else None)
              for p in signature.parameters.values()
              if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    positional = [p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]

    @functools.wraps(fn)
    def entry(*args, **kwargs):
        if len(args) > len(positional):
            return fn(*args, **kwargs)  # CPython's own error
        given = dict(zip(positional, args))
        for key, value in kwargs.items():
            if key in given:
                return fn(*args, **kwargs)  # CPython's own error (multiple values)
            given[key] = value
        message = problem(fn.__name__, params, given)
        if message is not None:
            raise TypeError(message)
        # A JSON number given for a parameter declared float is a float, in both modes.
        specs = {p: spec for p, _, spec in params}
        args = tuple(as_declared(specs.get(p), v) for p, v in zip(positional, args))
        kwargs = {k: as_declared(specs.get(k), v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    return entry
