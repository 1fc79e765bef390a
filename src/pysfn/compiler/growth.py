"""Which locals really grow in a loop: the 256 KiB warning, without the false alarms.

A Step Functions value is at most 256 KiB, so a string, list or dict that gets longer on every
iteration of a loop with no visible bound may fail the execution one day. The warning is
given only when both hold:

* the value grows: ``xs.append/extend/insert(...)``, ``d.update/setdefault(...)``,
  ``d[key] = ...`` with a key that is not a constant, and ``x += v`` / ``x = x + v`` where ``x``
  or ``v`` is known to be a string or a list (``total += n`` of numbers is not growth, and when
  neither type is known nothing is said);
* some enclosing loop has no visible bound: a loop over a literal, a constant ``range``, a
  module constant or a slice with a constant end (``pages[:20]``), or a ``while`` counting up to
  a constant, runs at most that many times, and loops that together run at most
  ``BOUNDED_ITERATIONS`` times are not warned about.

Types come from what the function shows: parameter annotations and the values assigned to
each name (literals, f-strings, ``len``/``str``/``list`` calls, string methods, arithmetic).
"""

from __future__ import annotations

import ast

BOUNDED_ITERATIONS = 1000
_NUMBER_FUNCS = {"len", "int", "float", "abs", "round", "sum", "min", "max", "ord", "bool"}
_STR_FUNCS = {"str", "repr", "chr", "format"}
_STR_METHODS = {"join", "upper", "lower", "strip", "lstrip", "rstrip", "replace", "format", "title",
                "capitalize", "casefold", "center", "ljust", "rjust", "zfill"}
_ANNOTATIONS = {"int": "number", "float": "number", "bool": "number", "str": "str", "list": "list",
                "List": "list", "tuple": "list", "Tuple": "list", "dict": "dict", "Dict": "dict"}


def _kind(node: ast.AST, kinds: dict[str, str | None]) -> str | None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return "str"
        return "number" if isinstance(node.value, (int, float)) else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, (ast.List, ast.ListComp, ast.Tuple, ast.Set, ast.SetComp)):
        return "list"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(node, ast.Name):
        return kinds.get(node.id)
    if isinstance(node, ast.UnaryOp):
        return _kind(node.operand, kinds) if isinstance(node.op, (ast.USub, ast.UAdd)) else "number"
    if isinstance(node, ast.BinOp):
        left, right = _kind(node.left, kinds), _kind(node.right, kinds)
        if "str" in (left, right) and isinstance(node.op, (ast.Add, ast.Mod, ast.Mult)):
            return "str"
        if "list" in (left, right) and isinstance(node.op, (ast.Add, ast.Mult)):
            return "list"
        return "number" if left == right == "number" else None
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in _NUMBER_FUNCS:
                return "number"
            if func.id in _STR_FUNCS:
                return "str"
            if func.id in ("list", "sorted", "tuple"):
                return "list"
            if func.id == "dict":
                return "dict"
        if isinstance(func, ast.Attribute) and func.attr in _STR_METHODS:
            return "str"
        if isinstance(func, ast.Attribute) and func.attr == "split":
            return "list"
    return None


def local_kinds(fn: ast.FunctionDef) -> dict[str, str | None]:
    """Each local's kind (str, list, dict, number) when every value the function gives it agrees."""
    seen: dict[str, set] = {}
    for arg in fn.args.args + fn.args.kwonlyargs:
        annotation = arg.annotation
        base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        name = base.id if isinstance(base, ast.Name) else None
        seen.setdefault(arg.arg, set()).add(_ANNOTATIONS.get(name) if name else None)
    kinds: dict[str, str | None] = {}
    for _ in range(3):  # a few rounds: y = x + 1 after x = 0
        values: dict[str, set] = {k: set(v) for k, v in seen.items()}
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        values.setdefault(target.id, set()).add(_kind(node.value, kinds))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                values.setdefault(node.target.id, set()).add(_kind(node.value, kinds))
            elif isinstance(node, (ast.For, ast.comprehension)):
                for target in ast.walk(node.target):
                    if isinstance(target, ast.Name):
                        values.setdefault(target.id, set()).add(None)
        kinds = {name: next(iter(v)) if len(v) == 1 else None for name, v in values.items()}
    return kinds


def grown_name(node: ast.AST, kinds: dict[str, str | None]) -> str | None:
    """The local that ``node`` makes longer, if it really does."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        name, method = node.func.value.id, node.func.attr
        if method in ("append", "extend", "insert") and kinds.get(name) in ("list", None):
            return name
        if method in ("update", "setdefault") and kinds.get(name) == "dict":
            return name
        return None
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
        return node.target.id if _grows(kinds.get(node.target.id), _kind(node.value, kinds)) else None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.Add) \
                and isinstance(node.value.left, ast.Name) and node.value.left.id == target.id:
            return target.id if _grows(kinds.get(target.id), _kind(node.value.right, kinds)) else None
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                and kinds.get(target.value.id) == "dict" and not isinstance(target.slice, ast.Constant):
            return target.value.id
    return None


def _grows(target: str | None, value: str | None) -> bool:
    if "number" in (target, value):
        return False
    return target in ("str", "list") or value in ("str", "list")


def _module_constants(tree: ast.Module | None) -> dict[str, int]:
    """Module-level names bound once to a literal sequence, or to a constant expression the
    compiler computes (``PAGES = [1, 2] * 10``, ``KEYS = list(LIMITS)``: compiler/constants.py):
    name -> its length."""
    from pysfn.compiler.constants import constant_value
    from pysfn.compiler.module import top_level_names
    sizes: dict[str, int] = {}
    counts: dict[str, int] = {}
    known: dict[str, object] = {}
    shadowed = top_level_names(tree) if tree is not None else set()
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    if isinstance(node.value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
                        sizes[target.id] = len(node.value.keys if isinstance(node.value, ast.Dict) else node.value.elts)
                    elif isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                        sizes[target.id] = len(node.value.value)
                    ok, value = constant_value(node.value, known, shadowed)
                    if ok:
                        known[target.id] = value
                        if target.id not in sizes and isinstance(value, (str, list, dict)):
                            sizes[target.id] = len(value)
    return {name: size for name, size in sizes.items() if counts.get(name) == 1}


def _const_int(node) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _const_int(node.operand)
        return -inner if inner is not None else None
    return None


def iterations(loop: ast.AST, constants: dict[str, int], local_names: set[str]) -> int | None:
    """How many times ``loop`` runs at most, when the code shows it (else None)."""
    if isinstance(loop, ast.While):
        test = loop.test
        from pysfn.compiler.history import _counter_bound
        if _counter_bound(loop) and isinstance(test, ast.Compare):
            limit = test.comparators[0] if isinstance(test.ops[0], (ast.Lt, ast.LtE)) else test.left
            value = _const_int(limit)
            return value + 1 if value is not None and value >= 0 else None
        return None
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return None
    it = loop.iter
    if isinstance(it, (ast.List, ast.Tuple, ast.Set)):
        return len(it.elts)
    if isinstance(it, ast.Dict):
        return len(it.keys)
    if isinstance(it, ast.Constant) and isinstance(it.value, str):
        return len(it.value)
    if isinstance(it, ast.Name) and it.id in constants and it.id not in local_names:
        return constants[it.id]
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("range", "enumerate") and it.args:
        if it.func.id == "enumerate":
            return iterations(ast.For(target=loop.target, iter=it.args[0], body=[], orelse=[]), constants, local_names)
        args = [_const_int(a) for a in it.args]
        if all(a is not None for a in args) and (len(args) < 3 or args[2] != 0):
            return len(range(*args))
    if isinstance(it, ast.Subscript) and isinstance(it.slice, ast.Slice) and it.slice.step is None:
        lower = _const_int(it.slice.lower) if it.slice.lower is not None else 0
        upper = _const_int(it.slice.upper) if it.slice.upper is not None else None
        if lower is not None and upper is not None and lower >= 0 and upper >= 0:
            return max(0, upper - lower)
    return None


def warn_growing_values(fn: ast.FunctionDef, rep, tree: ast.Module | None, hint: str) -> None:
    """Warn, once per local, where a string/list/dict grows in loops without a visible bound."""
    kinds = local_kinds(fn)
    constants = _module_constants(tree)
    local_names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    local_names |= {a.arg for a in fn.args.args + fn.args.kwonlyargs}
    warned: set[str] = set()

    def visit(node: ast.AST, loops: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                visit(child, [])  # a nested def (a parallel branch) runs once per call
                continue
            inner = loops + [child] if isinstance(child, (ast.For, ast.While)) else loops
            if loops:
                name = grown_name(child, kinds)
                if name and name not in warned and _unbounded(loops, constants, local_names):
                    warned.add(name)
                    rep.warn(child, f"'{name}' grows on every iteration of the loop at line {loops[0].lineno}: a "
                             f"value over 256 KiB fails the execution (States.DataLimitExceeded)", hint)
            visit(child, inner)
    visit(fn, [])


def _unbounded(loops: list[ast.AST], constants: dict[str, int], local_names: set[str]) -> bool:
    total = 1
    for loop in loops:
        count = iterations(loop, constants, local_names)
        if count is None:
            return True
        total *= count
    return total > BOUNDED_ITERATIONS
