"""Static types of Python expressions, where the meaning of an operation depends on them.

JSON has one number type, so the machine cannot tell ``2`` from ``2.0`` at run time, and
``str()`` of them differs in Python (``"2"``, ``"2.0"``). The compiler lowers such an
operation only where the type is known at compile time; elsewhere it extracts it.

Types are sets of the names ``int float str bool none list dict``; ``None`` means unknown.
Locals get the union of the types of every value assigned to them anywhere in the function
(flow-insensitive, hence sound for every path); parameters and callee results are unknown.
"""

from __future__ import annotations

import ast

Types = frozenset  # of the type names above
NUMBERS = frozenset({"int", "float", "bool"})
INTS = frozenset({"int", "bool"})

_CALL_TYPES = {"len": "int", "str": "str", "bool": "bool", "int": "int", "float": "float",
               "sorted": "list", "list": "list", "dict": "dict"}
_METHOD_TYPES = {"upper": "str", "lower": "str", "strip": "str", "lstrip": "str", "rstrip": "str",
                 "replace": "str", "join": "str", "split": "list", "startswith": "bool", "endswith": "bool"}


def _union(*parts):
    if any(p is None for p in parts):
        return None
    return frozenset().union(*parts)


def ast_types(node: ast.expr, env: dict[str, Types | None]) -> Types | None:
    """The possible types of ``node``'s value, or None if unknown."""
    if isinstance(node, ast.Constant):
        value = node.value
        name = {bool: "bool", int: "int", float: "float", str: "str", type(None): "none"}.get(type(value))
        return frozenset({name}) if name else None
    if isinstance(node, ast.JoinedStr):
        return frozenset({"str"})
    if isinstance(node, (ast.List, ast.ListComp, ast.Tuple)):
        return frozenset({"list"})
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return frozenset({"dict"})
    if isinstance(node, ast.Name):
        if hasattr(env, "of"):  # flow_types.FlowTypes: the types at this very read
            return env.of(node)
        return env.get(node.id)  # the empty set while a fixed point is computed: nothing known yet
    if isinstance(node, (ast.Compare,)):
        return frozenset({"bool"})
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return frozenset({"bool"})
        inner = ast_types(node.operand, env)
        if inner is None or not inner <= NUMBERS:
            return None
        return frozenset({"int" if t == "bool" else t for t in inner})
    if isinstance(node, ast.BoolOp):
        return _union(*(ast_types(v, env) for v in node.values))
    if isinstance(node, ast.IfExp):
        return _union(ast_types(node.body, env), ast_types(node.orelse, env))
    if isinstance(node, ast.BinOp):
        left, right = ast_types(node.left, env), ast_types(node.right, env)
        if left is None or right is None:
            return None
        if not left or not right:  # nothing known yet about one side (fixed point): take the other's
            left = right = left or right
        if left <= NUMBERS and right <= NUMBERS:
            if isinstance(node.op, ast.Div):
                return frozenset({"float"})
            if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
                return None
            # int op int is an int; anything with a float is a float
            return frozenset("int" if a in INTS and b in INTS else "float" for a in left for b in right)
        if isinstance(node.op, ast.Add) and left == right and left in (frozenset({"str"}), frozenset({"list"})):
            return left
        return None
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in ("abs", "round") and node.args \
                and not node.keywords:
            if node.func.id == "round" and (len(node.args) == 1 or (isinstance(node.args[1], ast.Constant)
                                                                    and node.args[1].value is None)):
                return frozenset({"int"})  # round(x) is an int
            inner = ast_types(node.args[0], env)  # abs(x), round(x, n): the type of x (bools are ints)
            if inner is None or not inner <= NUMBERS:
                return None
            return frozenset({"int" if t == "bool" else t for t in inner})
        if isinstance(node.func, ast.Name) and node.func.id in _CALL_TYPES:
            return frozenset({_CALL_TYPES[node.func.id]})
        if isinstance(node.func, ast.Attribute) and node.func.attr in _METHOD_TYPES:
            return frozenset({_METHOD_TYPES[node.func.attr]})
    return None


def annotation_types(annotation: ast.expr | None) -> Types | None:
    """The types an entry parameter can hold once the input check passed (contract.py)."""
    if isinstance(annotation, ast.Name) and annotation.id in ("int", "float", "str", "bool"):
        return frozenset({annotation.id} if annotation.id != "float" else {"int", "float"})
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        if any(isinstance(x, ast.Constant) and x.value is None for x in sides):
            other = next((x for x in sides if not (isinstance(x, ast.Constant) and x.value is None)), None)
            if other is None:  # None | None (found by the mutation fuzzer: was StopIteration)
                return frozenset({"none"})
            inner = annotation_types(other)
            return inner | {"none"} if inner else None
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) \
            and annotation.value.id == "Optional":
        inner = annotation_types(annotation.slice)
        return inner | {"none"} if inner else None
    return None


def local_types(fn: ast.FunctionDef, params: set[str], checked: dict | None = None) -> dict[str, Types | None]:
    """Each local's possible types (None: unknown), by a fixed point over its assignments.

    ``checked`` gives the types of parameters whose input is checked against an annotation."""
    assignments: dict[str, list] = {}

    def add(name: str, source) -> None:
        assignments.setdefault(name, []).append(source)

    def unknown(target: ast.expr) -> None:
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                add(n.id, None)

    for node in ast.walk(fn):
        if node is not fn and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    add(t.id, node.value)
                elif not isinstance(t, (ast.Subscript, ast.Attribute)):
                    unknown(t)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            load = ast.Name(node.target.id, ast.Load())
            add(node.target.id, ast.BinOp(load, node.op, node.value))
        elif isinstance(node, ast.For):
            it = node.iter
            is_range = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
            is_enum = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate"
            if is_range and isinstance(node.target, ast.Name):
                add(node.target.id, ast.Constant(0))
            elif is_enum and isinstance(node.target, ast.Tuple) and len(node.target.elts) == 2 \
                    and isinstance(node.target.elts[0], ast.Name):
                add(node.target.elts[0].id, ast.Constant(0))
                unknown(node.target.elts[1])
            else:
                unknown(node.target)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            add(node.name, None)
        elif isinstance(node, ast.NamedExpr):
            add(node.target.id, node.value)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            add(node.name, None)
        elif isinstance(node, ast.comprehension):
            unknown(node.target)
    env: dict[str, Types | None] = {name: frozenset() for name in assignments}
    for p in params:
        env[p] = (checked or {}).get(p)  # unknown, unless the input check guarantees a type
    for _ in range(20):
        changed = False
        for name, sources in assignments.items():
            if name in params and env[name] is None:
                continue
            types = _union(*(None if s is None else ast_types(s, env) for s in sources)) if sources else None
            if types is not None and types == frozenset():
                types = None
            # only grow (bottom is the empty set): once unknown, stays unknown
            if env[name] is not None and (types is None or not types <= env[name]):
                env[name] = None if types is None else env[name] | types
                changed = True
        if not changed:
            break
    else:
        return {name: None for name in env}
    return {name: (types or None) for name, types in env.items()}
