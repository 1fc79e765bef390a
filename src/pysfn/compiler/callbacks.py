"""``PSF.wait_for_callback(callee, *args, timeout=, heartbeat=)``: a ``.waitForTaskToken`` Task.

The Task invokes the dispatcher Lambda (``arn:aws:states:::lambda:invoke.waitForTaskToken``) with
the usual event, the task token (``$states.context.Task.Token``, only defined in such a Task's
Arguments) first among the callee's arguments; then the execution waits for ``SendTaskSuccess``
(the call's value: the output sent) or ``SendTaskFailure`` (the Task fails with the sent error, so
``except E`` of a class named E catches it, as for a callee's exception), or for the timers:
``TimeoutSeconds`` (``States.Timeout``) and ``HeartbeatSeconds`` (``States.HeartbeatTimeout``),
caught by ``except PSF.Timeout`` / ``except PSF.HeartbeatTimeout`` (runtime: pysfn/callbacks.py).

The sender's output is plain JSON, never the machine's tagged representation: a whole number is
an int (Step Functions reads ``2.0`` as ``2``; natively ``callbacks.plain`` reads the responder's
answer the same way). It is checked as the execution input is (numbers.unsafe_input): an int
beyond 2**53 or a dict with the key ``"$float"`` fails the Task's Assign instead of becoming
another value.
"""

from __future__ import annotations

import ast
import dataclasses

from pysfn import callbacks as callbacks_runtime
from pysfn.compiler import ir
from pysfn.compiler.jsonata import T, literal, template
from pysfn.compiler.numbers import unsafe_input
from pysfn.compiler.retry_checks import RANGES

WAIT_FOR_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken"
TOKEN = "{% $states.context.Task.Token %}"
USAGE = "decision = PSF.wait_for_callback(ask_manager, order_id, timeout=3600)"
ANSWER_PROBLEM = "CallbackAnswerError: " + callbacks_runtime.ANSWER_PROBLEM  # natively the same message
SECONDS = RANGES["the timeout"]  # TimeoutSeconds and HeartbeatSeconds: 1 to 99,999,999


def _seconds(fc, node: ast.expr, label: str) -> int:
    """A literal whole number of seconds (or a module constant holding one), within AWS's range."""
    value = None
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.Name) and node.id in fc.info.constants and fc.scope.lookup(node.id) is None:
        value = fc.info.constants[node.id]
    if isinstance(value, bool) or not isinstance(value, int):
        raise fc.rep.error(node, f"the {label} of PSF.wait_for_callback must be a whole number of seconds written "
                           "in the source (a literal or a module constant)",
                           "the Task's TimeoutSeconds/HeartbeatSeconds are fixed when the machine is built: "
                           f"{label}=3600")
    low, high = SECONDS
    if not low <= value <= high:
        raise fc.rep.error(node, f"the {label} is {value:,} seconds; Step Functions accepts {low:,} to {high:,}",
                           f"{label}=3600 waits an hour")
    return value


def callback_call(fc, node: ast.Call) -> ir.CalleeCall:
    """The IR of ``PSF.wait_for_callback(callee, *args, timeout=, heartbeat=)``, checked."""
    rep = fc.rep
    if not node.args:
        raise rep.error(node, "PSF.wait_for_callback takes the callee to call with the task token, then its "
                        "arguments", USAGE)
    func, *args = node.args
    for a in args:
        if isinstance(a, ast.Starred):
            raise rep.error(a, "*args in PSF.wait_for_callback is not supported", "pass the arguments one by one")
    given: dict[str, ast.expr] = {}
    for k in node.keywords:
        if k.arg not in ("timeout", "heartbeat"):
            raise rep.error(k.value if k.arg is None else k, "PSF.wait_for_callback takes the callee's arguments "
                            "by position, and only timeout= and heartbeat= by name",
                            "PSF.wait_for_callback(ask_manager, order_id, amount, timeout=3600, heartbeat=600)")
        given[k.arg] = k.value
    timeout = _seconds(fc, given["timeout"], "timeout") if "timeout" in given else None
    heartbeat = _seconds(fc, given["heartbeat"], "heartbeat") if "heartbeat" in given else None
    if heartbeat is not None and timeout is None:  # the ASL spec's default is 60 s, AWS's guide says 99,999,999
        raise rep.error(given["heartbeat"], "a heartbeat needs a timeout too", "PSF.wait_for_callback(callee, ..., "
                        "timeout=3600, heartbeat=600): the default TimeoutSeconds is not the same everywhere")
    if timeout is not None and heartbeat is not None and heartbeat >= timeout:
        raise rep.error(given["heartbeat"], f"the heartbeat ({heartbeat:,} s) must be smaller than the timeout "
                        f"({timeout:,} s)", "Step Functions refuses a HeartbeatSeconds >= TimeoutSeconds")
    if fc.callee_of(func) is None or not isinstance(func, (ast.Name, ast.Attribute)):
        if isinstance(func, ast.Name) and func.id in fc.info.constants or isinstance(func, (ast.Constant, ast.Call)):
            raise rep.error(func, "the first argument of PSF.wait_for_callback is the callee to call with the "
                            "task token", USAGE)
        raise fc.not_a_callee(ast.copy_location(ast.Call(func=func, args=[], keywords=[]), func))
    # the callee is called as callee(token, *args): its signature is checked with the token first
    token = ast.copy_location(ast.Constant("token"), func)
    call = fc.callee_call(ast.copy_location(ast.Call(func=func, args=[token, *args], keywords=[]), node), ())
    if call.timeout is not None:
        raise rep.error(func, f"'{ast.unparse(func)}' has @PSF.timeout, which would bound the wait for the answer "
                        "too (one TimeoutSeconds for the Task)", "give the wait's bound here: timeout=SECONDS")
    return dataclasses.replace(call, args=call.args[1:], callback=ir.CallbackWait(timeout, heartbeat))


def callback_error_names(fc, elt: ast.expr) -> tuple[str, ...] | None:
    """For ``except PSF.Timeout`` / ``except PSF.HeartbeatTimeout``: the error names it catches
    (HeartbeatTimeout is a subclass of Timeout, so Timeout catches both); None otherwise."""
    api = fc.info.psf_attr(elt)
    if api == "Timeout":
        return ("States.HeartbeatTimeout", "States.Timeout")
    if api == "HeartbeatTimeout":
        return ("States.HeartbeatTimeout",)
    return None


def check_timeout_binding(fc, handler: ast.ExceptHandler, elt: ast.expr) -> None:
    """``except PSF.Timeout as e``: AWS writes the cause of a timeout, not a Python message, so
    ``str(e)`` would differ between the modes; the handler cannot bind it."""
    if handler.name is not None:
        raise fc.rep.error(elt, f"'except {ast.unparse(elt)} as {handler.name}': a timeout has no message the "
                           "workflow could read the same way natively and on Step Functions",
                           f"catch it without 'as {handler.name}' (or in a handler of its own)")


def callback_result() -> str:
    """The JSONata of the call's value: the output sent with SendTaskSuccess, checked."""
    r = f"{T}cb"
    return f"({r} := $states.result; {unsafe_input(r, False)} ? $error({literal(ANSWER_PROBLEM)}) : {r})"


def callback_task(lowerer, m, call: ir.CalleeCall, assign: dict, cont, catchers):
    """The Task of a callback: the dispatcher's event with the token first, waiting for the answer."""
    from pysfn.compiler.error_matching import matched_names
    from pysfn.compiler.lower import LAMBDA_SERVICE_RETRY, _continue, _retrier
    matched = matched_names(catchers, call.retriers, getattr(lowerer, "outer_matched", frozenset()))

    def build(name: str) -> dict:
        payload = {"callee": call.callee, "args": [TOKEN] + [template(a) for a in call.args]}
        if matched:  # library subclasses raised by the callee are reported under these names
            payload["catch"] = sorted(matched)
        state = {"Type": "Task", "Comment": lowerer.comment(call.loc), "Resource": WAIT_FOR_TOKEN,
                 "Arguments": {"FunctionName": lowerer.arn, "Payload": payload}}
        if call.callback.timeout is not None:
            state["TimeoutSeconds"] = call.callback.timeout
        if call.callback.heartbeat is not None:
            state["HeartbeatSeconds"] = call.callback.heartbeat
        if assign:
            state["Assign"] = assign
        state["Retry"] = [dict(LAMBDA_SERVICE_RETRY)] + [_retrier(r) for r in call.retriers]
        lowerer.with_catch(state, lowerer.catch_field(catchers))
        _continue(state, cont, callback_result())
        return state
    return lowerer.state(m, f"Callback_{call.callee.replace('.', '_')}_L{call.loc.line}", build)
