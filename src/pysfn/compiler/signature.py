"""The entry's signature as the contract of the execution input, checked by the machine.

The machine's first state checks the execution input by the rules ``pysfn/contract.py``
applies natively when the entry is called, and fails with the same TypeError message:
missing required inputs (parameter order), then unknown inputs (input order), then the
types of the given inputs against their annotations. Annotations are read from the
source (``spec_of``) into the same plain descriptions the runtime builds from typing
objects, so ``describe`` writes them identically.
"""

from __future__ import annotations

import ast

from pysfn.compiler.jsonata import T, literal
from pysfn.compiler.loops import py_type
from pysfn.compiler import numbers
from pysfn.contract import describe, mentions_float, number_message

_SCALARS = {"int", "float", "str", "bool"}


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def spec_of(node: ast.expr | None, info, _within: tuple = ()):
    """The description of an annotation (see contract.spec_of), None if it is not checked.

    ``_within`` is the chain of TypedDict names being described: a field typed with a class
    already in the chain is a recursive type, refused at the line (it has no finite check)."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
        try:
            quoted = ast.parse(node.value, mode="eval").body
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            return None
        for n in ast.walk(quoted):  # diagnostics point at the string itself
            ast.copy_location(n, node)
        node = quoted
    if isinstance(node, ast.Name) and node.id in _SCALARS:
        return (node.id,)
    if _is_none(node):
        return ("None",)
    if isinstance(node, ast.Name) and node.id in ("list", "dict"):
        return (node.id, None)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        base, args = node.value.id, node.slice
        if base == "list":
            inner = spec_of(args, info, _within)
            return ("list", inner) if inner else None
        if base == "dict" and isinstance(args, ast.Tuple) and len(args.elts) == 2 \
                and isinstance(args.elts[0], ast.Name) and args.elts[0].id == "str":
            inner = spec_of(args.elts[1], info, _within)
            return ("dict", inner) if inner else None
        if base == "Optional":
            inner = spec_of(args, info, _within)
            return ("optional", inner) if inner else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "Optional":
        inner = spec_of(node.slice, info, _within)
        return ("optional", inner) if inner else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr) and (_is_none(node.left) or _is_none(node.right)):
        inner = spec_of(node.right if _is_none(node.left) else node.left, info, _within)
        return ("optional", inner) if inner else None
    if isinstance(node, ast.Name) and node.id in typed_dicts(info):
        return _typed_dict_spec(node, info, _within)
    return None


def typed_dicts(info) -> dict[str, ast.ClassDef]:
    """The module's TypedDict classes by name (found once per module; described on use)."""
    cached = getattr(info, "_typed_dicts", None)
    if cached is not None:
        return cached
    found = {}
    for node in info.tree.body:
        if isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Name) and b.id == "TypedDict")
                or (isinstance(b, ast.Attribute) and b.attr == "TypedDict") for b in node.bases):
            found[node.name] = node
    info._typed_dicts = found
    return found


def _typed_dict_spec(use: ast.Name, info, within: tuple):
    """The description of the TypedDict named at ``use``; fields typed with other TypedDicts
    nest (``address: Address``), a class that contains itself is a located error."""
    name = use.id
    if name in within:
        chain = " -> ".join(within[within.index(name):] + (name,))
        raise info.reporter.error(use, f"the TypedDict '{name}' contains itself ({chain}): a recursive "
                                  "input type has no finite check",
                                  "annotate the recursive field as dict (checked as an object only)")
    done = getattr(info, "_typed_dict_specs", None)
    if done is None:
        done = info._typed_dict_specs = {}
    if name in done:
        return done[name]
    node = typed_dicts(info)[name]
    total = not any(k.arg == "total" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords)
    fields = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            field = spec_of(stmt.annotation, info, within + (name,))
            if field is None:
                fields = None
                break
            fields.append((stmt.target.id, field, total))
    done[name] = ("typeddict", name, tuple(fields)) if fields is not None else None
    return done[name]


def _matches(spec, x: str, depth: int = 0) -> str:
    """JSONata: does the value ``x`` match ``spec`` (contract.matches, for JSON values)?"""
    kind = spec[0]
    if kind == "int":
        return f"($type({x}) = 'number' and {x} = $floor({x}))"
    if kind == "float":
        return f"$type({x}) = 'number'"
    if kind in ("str", "bool"):
        return f"$type({x}) = '{'string' if kind == 'str' else 'boolean'}'"
    if kind == "None":
        return f"$type({x}) = 'null'"
    e = f"{T}e{depth}"
    if kind == "list":
        if spec[1] is None:
            return f"$type({x}) = 'array'"
        # "no item fails": $not($exists(...)), not $count(...) = 0 -- a $filter with one match is
        # that item unwrapped, and $count(null) is 0, so ["x", null] would pass as list[str].
        return (f"($type({x}) = 'array' and $not($exists($filter({x}, function({e}) "
                f"{{ $not({_matches(spec[1], e, depth + 1)}) }}))))")
    if kind == "dict":
        if spec[1] is None:
            return f"$type({x}) = 'object'"
        value = f"$lookup({x}, {e})"
        return (f"($type({x}) = 'object' and $not($exists($filter([$keys({x})], function({e}) "
                f"{{ $not({_matches(spec[1], value, depth + 1)}) }}))))")
    if kind == "optional":
        return f"($type({x}) = 'null' or {_matches(spec[1], x, depth)})"
    fields = spec[2]
    keys = [key for key, _, _ in fields]
    parts = [f"$type({x}) = 'object'"]
    parts += [f"$exists($lookup({x}, {literal(key)}))" for key, _, required in fields if required]
    parts.append(f"$count($filter([$keys({x})], function({e}) {{ $not({e} in {literal(keys)}) }})) = 0")
    for key, field, _ in fields:
        value = f"$lookup({x}, {literal(key)})"
        parts.append(f"($not($exists({value})) or {_matches(field, value, depth + 1)})")
    return "(" + " and ".join(parts) + ")"


def input_value(p, value: str) -> str:
    """JSONata: the parameter's value from the input, with numbers declared float made floats."""
    return numbers.as_declared(p.spec, value) if mentions_float(p.spec) else value


def input_problem(name: str, params) -> str:
    """JSONata giving the first problem of the execution input (contract.problem), or ''.

    ``params`` are ``ir.Param``s (``name``, ``default``, ``spec``)."""
    i = "$states.input"
    known = [p.name for p in params]
    chain = [(f"$type({i}) != 'object'",
              literal(f"{name}() takes an input object with the keys: "
                      + (", ".join(p.name + ("" if p.default is not None else " (required)") for p in params)
                         or "none")))]
    for p in params:
        if p.default is None:
            chain.append((f"$not($exists($lookup({i}, {literal(p.name)})))",
                          literal(f"{name}() missing required input '{p.name}'")))
    unknown = f"[$filter([$keys({i})], function({T}k) {{ $not({T}k in {literal(known)}) }})]"
    chain.append((f"$count({unknown}) > 0",
                  f"{literal(name + '() got an unexpected input ' + chr(39))} & {unknown}[0] & \"'\""))
    for p in params:
        if p.spec is None:
            continue
        value = f"$lookup({i}, {literal(p.name)})"
        chain.append((f"$exists({value}) and $not({_matches(p.spec, value)})",
                      f"{literal(name + '() input ' + repr(p.name) + ' must be ' + describe(p.spec) + ', not ')} "
                      f"& {py_type(value)}"))
    for p in params:  # numbers the machine cannot hold exactly (numbers.py), as contract.problem
        value = f"$lookup({i}, {literal(p.name)})"
        floats = mentions_float(p.spec)
        checked = numbers.as_declared(p.spec, value) if floats else value
        chain.append((f"$exists({value}) and {numbers.unsafe_input(checked, floats)}",
                      literal(number_message(name, p.name))))
    return " : ".join(f"{test} ? {message}" for test, message in chain) + " : ''"
