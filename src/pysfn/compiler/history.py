"""Compile-time warnings about the 25,000-event history of a Standard execution.

Every state a Standard execution enters adds events to its history (a Pass or Choice 2,
a Lambda Task 5: entered, scheduled, started, succeeded, exited), and AWS fails the
execution when the history reaches 25,000 events. A loop multiplies its body's events, so
the compiler estimates them per iteration and warns, at the loop, when the loop has no
bound it can see (a ``while`` that is not a plain counter) or a constant ``range`` too long
for the limit. Loops over data (a list from the input) are bounded by that data and are
not warned about; README explains the limit.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir

HISTORY_LIMIT = 25_000
TASK_EVENTS = 5
STATE_EVENTS = 2


def events_per_run(stmts: tuple[ir.Stmt, ...]) -> int:
    """A rough upper estimate of the events one run of ``stmts`` adds (the longest path)."""
    total = 0
    for stmt in stmts:
        if isinstance(stmt, (ir.Assign, ir.Effect, ir.Return)) and isinstance(
                getattr(stmt, "value", None), (ir.CalleeCall, ir.ParallelCall)):
            total += TASK_EVENTS
        elif isinstance(stmt, ir.If):
            total += STATE_EVENTS + max([events_per_run(b) for _, b in stmt.tests] + [events_per_run(stmt.orelse)])
        elif isinstance(stmt, ir.Try):
            total += events_per_run(stmt.body) + events_per_run(stmt.orelse)
        elif isinstance(stmt, ir.TryFinally):
            total += events_per_run(stmt.body) + events_per_run(stmt.final)
        elif isinstance(stmt, (ir.For, ir.While)):
            total += STATE_EVENTS + events_per_run(stmt.body)  # counted once: warned about on its own
        else:
            total += STATE_EVENTS
    return total


def _counter_bound(node: ast.While) -> bool:
    """``while i < LIMIT:`` (or ``<=``, ``>``/``>=`` the other way) with ``i += <positive number>``
    in the loop's own body: a bound the compiler can see."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Lt, ast.LtE)) and isinstance(left, ast.Name):
        counter = left.id
    elif isinstance(op, (ast.Gt, ast.GtE)) and isinstance(right, ast.Name):
        counter = right.id
    else:
        return False
    for stmt in node.body:
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) \
                and isinstance(stmt.target, ast.Name) and stmt.target.id == counter \
                and isinstance(stmt.value, ast.Constant) and type(stmt.value.value) in (int, float) \
                and stmt.value.value > 0:
            return True
    return False


def refuse_endless(rep, node: ast.While, test) -> None:
    """``while True:`` (a test that is a true constant) with no ``break``, ``return`` or ``raise``
    in its body: CPython loops for ever, but a state machine needs a way to an end (the validator
    refuses one without), so the loop is refused at its line rather than compiled to invalid ASL."""
    if isinstance(test, ir.Const) and test.value and not _leaves(node.body, in_inner_loop=False):
        raise rep.error(node, "this loop never ends: its test is always true and nothing in it leaves the "
                        "loop (break, return or raise)",
                        "give the loop a condition or a break: a state machine must have a way to its end")


def _leaves(stmts, in_inner_loop: bool) -> bool:
    for stmt in stmts:
        if isinstance(stmt, (ast.Return, ast.Raise)) or (isinstance(stmt, ast.Break) and not in_inner_loop):
            return True
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner = in_inner_loop or isinstance(stmt, (ast.For, ast.AsyncFor, ast.While))
        for field in ("body", "orelse", "finalbody"):
            if _leaves(getattr(stmt, field, []) or [], inner if field == "body" else in_inner_loop):
                return True
        for handler in getattr(stmt, "handlers", []) or []:
            if _leaves(handler.body, in_inner_loop):
                return True
        for case in getattr(stmt, "cases", []) or []:
            if _leaves(case.body, in_inner_loop):
                return True
    return False


def warn_if_unbounded(rep, node: ast.While, body: tuple[ir.Stmt, ...]) -> None:
    if _counter_bound(node):
        return
    per_iteration = STATE_EVENTS + events_per_run(body)
    rep.warn(node, f"this loop has no bound the compiler can see: each iteration adds about {per_iteration} "
             f"events to the execution history, and a Standard execution fails at {HISTORY_LIMIT:,} "
             f"(about {HISTORY_LIMIT // per_iteration:,} iterations)",
             "count the iterations (while attempts < 10: ... attempts += 1), or move long loops into "
             "a callee or a child execution")


def warn_if_too_long(rep, node: ast.For, iteration: ir.Iteration, body: tuple[ir.Stmt, ...]) -> None:
    if iteration.kind != "range" or not all(isinstance(a, ir.Const) for a in iteration.args):
        return
    start, stop, step = (a.value for a in iteration.args)
    if not all(type(v) is int for v in (start, stop, step)) or step == 0:
        return
    count = len(range(start, stop, step))
    per_iteration = STATE_EVENTS + events_per_run(body)
    if count * per_iteration >= HISTORY_LIMIT:
        rep.warn(node, f"this loop runs {count:,} times at about {per_iteration} history events each: more "
                 f"than the {HISTORY_LIMIT:,} events a Standard execution may have",
                 "process the items in a callee, in batches, or with PSF.map")
