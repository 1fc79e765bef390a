"""``@PSF.retry`` and ``@PSF.timeout`` on a callee: ``Retry`` and ``TimeoutSeconds`` on its Tasks.

Read from the callee's decorators (constants only: the machine is fixed at compile time),
in source order: the first decorator's retrier is tried first, as Step Functions tries the
first retrier whose errors match. ``on`` takes exception classes (expanded to their
subclasses, as ``except`` is) and ASL error names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from pysfn.compiler import ir
from pysfn.compiler.errors import CATCH_ALL
from pysfn.compiler.retry_checks import RANGES, check_backoff, check_error_name, check_range

RETRY_ARGS = ("on", "interval", "max_attempts", "backoff_rate", "max_delay", "jitter")


@dataclass(frozen=True)
class CalleeOptions:
    retriers: tuple[ir.Retrier, ...] = ()
    timeout: int | None = None


def _constant(node: ast.expr):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def error_names(info, node: ast.expr) -> tuple[str, ...]:
    """``on=[TimeoutError, "States.Timeout"]`` as ASL error names (subclasses included)."""
    rep = info.reporter
    elts = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    names: set[str] = set()
    for e in elts:
        if isinstance(e, ast.Constant) and isinstance(e.value, str):
            check_error_name(rep, e, e.value)
            names.add(e.value)
        elif isinstance(e, ast.Name) and info.exceptions.is_exception(e.id):
            names.update({"States.ALL"} if e.id in CATCH_ALL else info.exceptions.subclass_closure(e.id))
        else:
            raise rep.error(e, f"'{ast.unparse(e)}' is not an exception class or error name",
                            "list exception classes or ASL error names such as 'States.Timeout'")
    if not names:
        raise rep.error(node, "a retry needs at least one error to retry on", "on=[TimeoutError]")
    return ("States.ALL",) if "States.ALL" in names else tuple(sorted(names))


def _number(info, node: ast.expr, label: str, kind, low):
    value = _constant(node)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or (kind is int and not isinstance(value, int)) \
            or value < low:
        raise info.reporter.error(node, f"{label} must be {'an integer' if kind is int else 'a number'} >= {low}",
                                  "decorator arguments are constants")
    if label in RANGES:
        check_range(info.reporter, node, label, value)
    elif label == "backoff_rate":
        check_backoff(info.reporter, node, value)
    return value


def _retrier(info, decorator: ast.Call) -> ir.Retrier:
    rep = info.reporter
    if len(decorator.args) > 1:
        raise rep.error(decorator, "PSF.retry takes keyword arguments after 'on'",
                        "@PSF.retry(on=[TimeoutError], interval=2, max_attempts=3)")
    given = dict(zip(("on",), decorator.args))
    for k in decorator.keywords:
        if k.arg not in RETRY_ARGS:
            raise rep.error(k.value, f"PSF.retry has no argument '{k.arg}'", f"its arguments: {', '.join(RETRY_ARGS)}")
        given[k.arg] = k.value
    errors = error_names(info, given["on"]) if "on" in given else ("States.ALL",)
    interval = _number(info, given["interval"], "interval", int, 1) if "interval" in given else 1
    attempts = _number(info, given["max_attempts"], "max_attempts", int, 0) if "max_attempts" in given else 3
    backoff = _number(info, given["backoff_rate"], "backoff_rate", float, 1) if "backoff_rate" in given else 2.0
    max_delay = _number(info, given["max_delay"], "max_delay", int, 1) if "max_delay" in given else None
    jitter = None
    if "jitter" in given:
        value = _constant(given["jitter"])
        if value not in (True, False, None, "FULL", "NONE"):
            raise rep.error(given["jitter"], "jitter is True/False (or 'FULL'/'NONE')", "jitter=True")
        jitter = "FULL" if value in (True, "FULL") else "NONE" if value in (False, "NONE") else None
    return ir.Retrier(errors, interval, attempts, backoff, max_delay, jitter)


def callee_options(info, fn: ast.FunctionDef | None) -> CalleeOptions:
    """The retriers and timeout a callee's decorators ask for (cached on the ModuleInfo)."""
    if fn is None:
        return CalleeOptions()
    cache = info.__dict__.setdefault("_callee_options", {})
    if id(fn) in cache:
        return cache[id(fn)]
    retriers, timeout = [], None
    for decorator in fn.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        api = info.psf_attr(call.func if call else decorator)
        if api == "retry":
            retriers.append((_retrier(info, call) if call else ir.Retrier(("States.ALL",)), decorator))
        elif api == "timeout":
            if call is None or len(call.args) != 1 or call.keywords:
                raise info.reporter.error(decorator, "PSF.timeout takes the number of seconds", "@PSF.timeout(30)")
            timeout = _number(info, call.args[0], "the timeout", int, 1)
    for r, decorator in retriers[:-1]:
        if r.errors == ("States.ALL",):
            raise info.reporter.error(decorator, "a retry on every error must be the last @PSF.retry",
                                      "move it below the more specific ones")
    retriers = [r for r, _ in retriers]
    cache[id(fn)] = CalleeOptions(tuple(retriers), timeout)
    return cache[id(fn)]
