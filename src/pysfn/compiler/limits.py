"""Step Functions limits, checked at compile time (ASL-NOTES.md, "Quotas").

A program that cannot work within the service's limits is a mistake in the user's code,
reported at the line like any other: a literal larger than one state's data (256 KiB),
a definition over 1 MB, expressions nested too deeply to compile. Values that only *may*
outgrow 256 KiB at run time (a list appended to in a loop) get a warning with the usual
advice: pass a reference (an S3 key) instead of the data.
"""

from __future__ import annotations

import ast
import json
import math

from pysfn.compiler.diagnostics import Loc

MAX_VALUE_BYTES = 256 * 1024
MAX_DEFINITION_BYTES = 1_000_000
MAX_DEPTH = 60  # nested expressions/blocks: far beyond readable code, well within Python's recursion
REFERENCE_HINT = "keep large data outside the workflow (S3, DynamoDB) and pass its key instead"


def _is_elif(parent: ast.AST, child: ast.AST) -> bool:
    """``child`` is the ``elif`` of ``parent``: one more arm of the same chain, not a deeper block."""
    return isinstance(parent, ast.If) and len(parent.orelse) == 1 and parent.orelse[0] is child \
        and isinstance(child, ast.If)


def _depth(node: ast.AST) -> tuple[int, ast.AST]:
    """The deepest nesting under ``node`` and a node at that depth (iteratively). The arms of a
    flat ``elif`` chain are at one level: the AST nests them, the reader (and pysfn) does not."""
    deepest, at = 0, node
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        if d > deepest and hasattr(n, "lineno"):  # (contexts like Load have no position)
            deepest, at = d, n
        stack.extend((child, d if _is_elif(n, child) else d + 1) for child in ast.iter_child_nodes(n))
    return deepest, at


MAX_ELIF_ARMS = 300  # one Choice state; the front end walks a chain recursively (the AST nests it)


def _elif_arms(node: ast.If) -> int:
    arms = 1
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        node, arms = node.orelse[0], arms + 1
    return arms


def check_source(fn: ast.FunctionDef, rep, tree: ast.Module | None = None) -> None:
    """Before compiling ``fn``: nesting depth, literal sizes, values growing in loops
    (``compiler/growth.py``; ``tree``, the module, shows its constants' sizes)."""
    depth, at = _depth(fn)
    if depth > MAX_DEPTH:
        raise rep.error(at, f"this code is nested {depth} levels deep; pysfn compiles at most {MAX_DEPTH}",
                        "split the expression or the blocks into smaller steps (or move them into a callee)")
    inner = {id(n.orelse[0]) for n in ast.walk(fn) if isinstance(n, ast.If) and len(n.orelse) == 1}
    for node in ast.walk(fn):
        if isinstance(node, ast.If) and id(node) not in inner and (arms := _elif_arms(node)) > MAX_ELIF_ARMS:
            raise rep.error(node, f"this if/elif chain has {arms} arms; pysfn compiles at most {MAX_ELIF_ARMS}",
                            "look the value up in a dict constant instead, or split the chain")
    for node in ast.walk(fn):
        _check_number(node, rep)
    for node in ast.walk(fn):
        if isinstance(node, (ast.Constant, ast.List, ast.Dict, ast.Tuple)) and _is_literal(node):
            size = _size(node)
            if size is not None and size > MAX_VALUE_BYTES:
                raise rep.error(node, f"this literal is {size:,} bytes as JSON; a Step Functions value is at "
                                f"most {MAX_VALUE_BYTES:,} bytes (256 KiB)", REFERENCE_HINT)
    from pysfn.compiler.growth import warn_growing_values
    warn_growing_values(fn, rep, tree, REFERENCE_HINT)


MAX_EXACT_INT = 2 ** 53 - 1  # Step Functions' numbers are doubles (JSONata is JavaScript)


def _check_number(node: ast.AST, rep) -> None:
    """A numeric literal the machine cannot hold: ``1e999`` is infinity (JSON has no infinity or
    NaN; ``json.dumps`` would write ``Infinity``, which Step Functions refuses) and an int beyond
    2**53 would silently become the nearest double. (Computed values beyond 2**53, such as
    ``2 ** 53 + 1``, are extracted and run in Python exactly: compiler/numbers.py.)"""
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return
    value = node.value
    if isinstance(value, float) and not math.isfinite(value):
        raise rep.error(node, f"{value!r} is not a JSON number",
                        "JSON numbers are finite (Step Functions has no infinity or NaN): use a finite bound "
                        "(such as 1e308), a string or None instead")
    if isinstance(value, int) and abs(value) > MAX_EXACT_INT:
        digits = len(str(abs(value))) if abs(value) < 10 ** 4000 else "thousands of"
        raise rep.error(node, f"this integer ({digits} digits) is beyond 2**53: Step Functions numbers are "
                        "doubles, so it would silently lose digits",
                        "pass it as a string, or compute with it in a callee")


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _size(node: ast.expr) -> int | None:
    try:
        return len(json.dumps(ast.literal_eval(node), ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        return None


def check_definition(definition: dict, fn: ast.FunctionDef, rep) -> None:
    size = len(json.dumps(definition, ensure_ascii=False).encode("utf-8"))
    if size > MAX_DEFINITION_BYTES:
        raise rep.error(Loc.of(rep.file, fn), f"the compiled state machine is {size:,} bytes; Step Functions "
                        f"accepts at most {MAX_DEFINITION_BYTES:,} (1 MB)",
                        "move part of the logic into callees or a second workflow (a child execution)")
