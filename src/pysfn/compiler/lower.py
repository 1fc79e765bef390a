"""Back end: the IR -> ASL states (JSONata mode, Python locals as variables).

Lowering is lazy and continuation-passing. Each statement becomes a *thunk*: a
function that, when first called, creates the statement's state, and returns its name;
the state's ``Next`` is obtained by calling the thunk of what follows. Only states that
can be reached are ever created (code after a ``return`` leaves no dead state), they are
created in execution order (the JSON reads top to bottom), and a state reached from
several places (the code after an ``if``) is created once.

``try``/``except`` needs no state of its own: every Task or Parallel state lowered
inside the ``try`` body carries a ``Catch`` per handler (innermost first). A ``raise``
inside a ``try`` is routed at compile time: the compiler knows the raised class, so it
jumps straight to the handler that catches it, or ends in a ``Fail`` state.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from pathlib import PurePath
from typing import Callable

from pysfn.compiler import ir
from pysfn.compiler.jsonata import caught_error_template, expression, literal, template, truthy, wrap

Thunk = Callable[[], str]

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
# Retry AWS recommends for every Lambda Task (bp-lambda-serviceexception).
LAMBDA_SERVICE_RETRY = {
    "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2,
}
MAX_NAME = 80


@dataclass(frozen=True)
class Catcher:
    """An enclosing ``except`` clause, as seen from a state inside its ``try`` body."""
    errors: ir.ErrorSet
    var: str | None
    target: Thunk


class Names:
    """State names: readable, ``[A-Za-z0-9_-]``, <= 80 characters, unique in the definition."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def reserve(self, base: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", base)[:MAX_NAME - 4]
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name


class Machine:
    """The states of one state machine or one Parallel branch, in creation order."""

    def __init__(self) -> None:
        self.states: dict[str, dict | None] = {}


class Lowerer:
    def __init__(self, lambda_arn: str, source_lines: list[str], file: str):
        self.arn = lambda_arn
        self.lines = source_lines
        self.file = PurePath(file).name
        self.names = Names()
        self.pending: deque[tuple[Machine, str, Callable[[str], dict]]] = deque()

    # ------------------------------------------------------------------ plumbing

    def state(self, m: Machine, base: str, build: Callable[[str], dict]) -> Thunk:
        """A thunk that names the state on first use and queues ``build(name)``.

        Building is queued, not done on the spot: a long function would otherwise recurse once
        per state. Names are reserved in the order states are discovered, which is the order
        of the JSON (execution order, breadth first at branches).
        """
        created: list[str] = []

        def thunk() -> str:
            if not created:
                name = self.names.reserve(base)
                created.append(name)
                m.states[name] = None
                self.pending.append((m, name, build))
            return created[0]
        return thunk

    def build_pending(self) -> None:
        while self.pending:
            m, name, build = self.pending.popleft()
            m.states[name] = build(name)

    def comment(self, loc) -> str:
        text = self.lines[loc.line - 1].strip() if 0 < loc.line <= len(self.lines) else ""
        return f"{self.file}:{loc.line} {text}"[:200]

    def catch_field(self, catchers: tuple[Catcher, ...]) -> list[dict]:
        out = []
        for c in catchers:
            rule = {"ErrorEquals": ["States.ALL"] if c.errors.catch_all else list(c.errors.names),
                    "Next": c.target()}
            if c.var:
                rule["Assign"] = {c.var: caught_error_template()}
            out.append(rule)
            if c.errors.catch_all:
                break  # States.ALL must be last; later handlers are unreachable anyway
        return out

    @staticmethod
    def with_catch(state: dict, catch: list[dict]) -> dict:
        if catch:
            state["Catch"] = catch
        return state

    # ------------------------------------------------------------------ the workflow

    def workflow(self, wf: ir.Workflow) -> dict:
        m = Machine()
        body = self.block(m, wf.body, self.return_none(m), ())
        start = self.arguments(m, wf, body)()
        self.build_pending()
        return {"Comment": f"{wf.name} ({self.file}:{wf.loc.line}), compiled by pysfn",
                "QueryLanguage": "JSONata", "StartAt": start, "States": m.states}

    def arguments(self, m: Machine, wf: ir.Workflow, body: Thunk) -> Thunk:
        """The first state: check the execution input like a Python call and bind the parameters.

        One Choice: its rule checks the input object (an object, required keys present,
        no unknown keys) and assigns every parameter; its Default fails with TypeError,
        as calling the function with those keyword arguments would.
        """
        keys = [p.name for p in wf.params]
        inp = "$states.input"
        checks = [f"$type({inp}) = 'object'"]
        checks += [f"$exists($lookup({inp}, {literal(p.name)}))" for p in wf.params if p.default is None]
        checks.append(f"$count($filter($keys({inp}), function($k) {{ $not($k in {literal(keys)}) }})) = 0")
        assign = {}
        for p in wf.params:
            value = f"$lookup({inp}, {literal(p.name)})"
            if p.default is not None:
                value = f"$exists({value}) ? {value} : {expression(p.default)}"
            assign[p.var] = wrap(value)
        described = ", ".join(p.name + ("" if p.default is not None else " (required)") for p in wf.params)
        bad = self.state(m, "Bad_arguments", lambda name: {
            "Type": "Fail", "Comment": self.comment(wf.loc), "Error": "TypeError",
            "Cause": f"{wf.name}() takes an input object with the keys: {described or 'none'}"})

        def build(name: str) -> dict:
            rule = {"Condition": wrap(" and ".join(checks)), "Next": body()}
            if assign:
                rule["Assign"] = assign
            return {"Type": "Choice", "Comment": self.comment(wf.loc), "Choices": [rule], "Default": bad()}
        return self.state(m, "Arguments", build)

    def return_none(self, m: Machine) -> Thunk:
        return self.state(m, "Return_None", lambda name: {"Type": "Succeed", "Output": wrap("null")})

    # ------------------------------------------------------------------ statements

    def block(self, m: Machine, stmts: tuple[ir.Stmt, ...], cont: Thunk, catchers: tuple[Catcher, ...]) -> Thunk:
        for stmt in reversed(stmts):
            cont = getattr(self, f"stmt_{type(stmt).__name__}")(m, stmt, cont, catchers)
        return cont

    def stmt_Assign(self, m, stmt: ir.Assign, cont, catchers) -> Thunk:
        if isinstance(stmt.value, ir.CalleeCall):
            assign = {stmt.targets[0]: wrap("$states.result.Payload")}
            return self.task(m, stmt.value, assign, cont, catchers)
        if isinstance(stmt.value, ir.ParallelCall):
            if stmt.unpack:
                assign = {t: wrap(f"$states.result[{i}]") for i, t in enumerate(stmt.targets)}
            else:
                assign = {stmt.targets[0]: wrap("$states.result")}
            return self.parallel(m, stmt.value, assign, cont, catchers)
        return self.state(m, f"Assign_{stmt.targets[0]}_L{stmt.loc.line}", lambda name: {
            "Type": "Pass", "Comment": self.comment(stmt.loc),
            "Assign": {stmt.targets[0]: template(stmt.value)}, "Next": cont()})

    def stmt_Effect(self, m, stmt: ir.Effect, cont, catchers) -> Thunk:
        if isinstance(stmt.value, ir.CalleeCall):
            return self.task(m, stmt.value, {}, cont, catchers)
        return self.parallel(m, stmt.value, {}, cont, catchers)

    def stmt_If(self, m, stmt: ir.If, cont, catchers) -> Thunk:
        bodies = [(test, self.block(m, body, cont, catchers)) for test, body in stmt.tests]
        orelse = self.block(m, stmt.orelse, cont, catchers)
        return self.state(m, f"If_L{stmt.loc.line}", lambda name: {
            "Type": "Choice", "Comment": self.comment(stmt.loc),
            "Choices": [{"Condition": wrap(truthy(test)), "Next": body()} for test, body in bodies],
            "Default": orelse()})

    def stmt_Try(self, m, stmt: ir.Try, cont, catchers) -> Thunk:
        inner = tuple(Catcher(h.errors, h.var, self.block(m, h.body, cont, catchers)) for h in stmt.handlers)
        return self.block(m, stmt.body, cont, inner + catchers)

    def stmt_Raise(self, m, stmt: ir.Raise, cont, catchers) -> Thunk:
        handler = next((c for c in catchers if c.errors.matches(stmt.class_name)), None)
        if handler is None:
            def fail(name: str) -> dict:
                state = {"Type": "Fail", "Comment": self.comment(stmt.loc), "Error": _string_field(stmt.error)}
                if not (isinstance(stmt.cause, ir.Const) and stmt.cause.value == ""):
                    state["Cause"] = _string_field(stmt.cause)  # no message: no Cause, as AWS shows it
                return state
            return self.state(m, f"Fail_{_error_label(stmt)}_L{stmt.loc.line}", fail)
        if handler.var is None:
            return handler.target  # nothing to bind: go straight to the handler
        return self.state(m, f"Raise_{_error_label(stmt)}_L{stmt.loc.line}", lambda name: {
            "Type": "Pass", "Comment": self.comment(stmt.loc),
            "Assign": {handler.var: {"error": template(stmt.error), "cause": template(stmt.cause)}},
            "Next": handler.target()})

    def stmt_Return(self, m, stmt: ir.Return, cont, catchers) -> Thunk:
        if isinstance(stmt.value, ir.CalleeCall):
            return self.task(m, stmt.value, {}, None, catchers)
        if isinstance(stmt.value, ir.ParallelCall):
            return self.parallel(m, stmt.value, {}, None, catchers)
        output = template(stmt.value) if stmt.value is not None else wrap("null")
        return self.state(m, f"Return_L{stmt.loc.line}", lambda name: {
            "Type": "Succeed", "Comment": self.comment(stmt.loc), "Output": output})

    # ------------------------------------------------------------------ calls

    def task(self, m, call: ir.CalleeCall, assign: dict, cont, catchers) -> Thunk:
        def build(name: str) -> dict:
            payload = {"callee": call.callee, "args": [template(a) for a in call.args],
                       "kwargs": {k: template(v) for k, v in call.kwargs}}
            state = {"Type": "Task", "Comment": self.comment(call.loc), "Resource": LAMBDA_INVOKE,
                     "Arguments": {"FunctionName": self.arn, "Payload": payload}}
            if assign:
                state["Assign"] = assign
            state["Retry"] = [dict(LAMBDA_SERVICE_RETRY)] + [_retrier(r) for r in call.retriers]
            self.with_catch(state, self.catch_field(catchers))
            _continue(state, cont, "$states.result.Payload")
            return state
        return self.state(m, f"{call.callee.replace('.', '_')}_L{call.loc.line}", build)

    def parallel(self, m, call: ir.ParallelCall, assign: dict, cont, catchers) -> Thunk:
        def build(name: str) -> dict:
            branches = []
            for branch in call.branches:
                sub = Machine()
                start = self.block(sub, branch.body, self.return_none(sub), ())()
                branches.append({"StartAt": start, "States": sub.states})
            state = {"Type": "Parallel", "Comment": self.comment(call.loc), "Branches": branches}
            if assign:
                state["Assign"] = assign
            self.with_catch(state, self.catch_field(catchers))
            _continue(state, cont, "$states.result")
            return state
        return self.state(m, f"Parallel_L{call.loc.line}", build)


def _continue(state: dict, cont: Thunk | None, result: str) -> None:
    """Go on to ``cont``, or (``return call(...)``) end the machine with the call's result."""
    if cont is None:
        state["Output"] = wrap(result)
        state["End"] = True
    else:
        state["Next"] = cont()


def _retrier(r: ir.Retrier) -> dict:
    return {"ErrorEquals": list(r.errors), "IntervalSeconds": r.interval,
            "MaxAttempts": r.max_attempts, "BackoffRate": r.backoff_rate}


def _string_field(e: ir.Expr):
    """Fail's Error/Cause: a constant string as is, anything else as an expression."""
    if isinstance(e, ir.Const) and isinstance(e.value, str) and not e.value.startswith("{%"):
        return e.value
    return wrap(expression(e))


def _error_label(stmt: ir.Raise) -> str:
    if isinstance(stmt.error, ir.Const) and isinstance(stmt.error.value, str):
        return stmt.error.value[:40]
    return stmt.class_name
