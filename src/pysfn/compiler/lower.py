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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Callable

from pysfn.compiler import ir
from pysfn.compiler.callbacks import callback_result, callback_task
from pysfn.compiler.error_matching import matched_names
from pysfn.compiler.jsonata import T, caught_error_template, expression, literal, template, truthy, wrap
from pysfn.compiler.loop_folding import MAX_ITEMS, fold_plan, loop_expression, small_enough, static_count
from pysfn.compiler.loops import loop_parts
from pysfn.compiler.numbers import as_declared, decode_output_template, num
from pysfn.compiler.signature import input_problem, input_value

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
class LoopFrame:
    """An enclosing loop, as seen from ``break``/``continue`` in its body."""
    on_break: Thunk
    on_continue: Thunk


@dataclass(frozen=True)
class FinallyFrame:
    """An enclosing ``try ... finally``: every way out of its body runs ``final`` first."""
    stmt: ir.TryFinally
    catchers: tuple["Catcher", ...]     # the handlers outside the try
    frames: tuple                       # the frames outside the try


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
        # Loops and try/finally blocks around the statement being lowered, innermost last.
        # Statements are lowered eagerly (only *building* states is deferred), so the frames
        # in force when ``block`` runs are the ones the source nests the statement in.
        self.frames: tuple[LoopFrame | FinallyFrame, ...] = ()
        self.folds: dict = {}  # id(ir.For) -> loop_folding.Fold: small loops done in one state

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
        self.folds = fold_plan(wf)
        body = self.block(m, wf.body, self.return_none(m), ())
        start = self.arguments(m, wf, body)()
        self.build_pending()
        for state in m.states.values():  # the machine's result leaves as plain JSON (numbers.py)
            if "Output" in state and (state["Type"] == "Succeed" or state.get("End")):
                state["Output"] = decode_output_template(state["Output"])
        return {"Comment": f"{wf.name} ({self.file}:{wf.loc.line}), compiled by pysfn",
                "QueryLanguage": "JSONata", "StartAt": start, "States": m.states}

    def arguments(self, m: Machine, wf: ir.Workflow, body: Thunk) -> Thunk:
        """The first state: check the execution input like ``@PSF.main`` checks a call, and bind
        the parameters.

        One Choice: its rule tests that the input has no problem (``signature.input_problem``
        gives ``''``) and assigns every parameter; its Default fails with TypeError and the
        message of the first problem, the same message ``pysfn/contract.py`` raises natively.
        """
        inp = "$states.input"
        problem = input_problem(wf.name, wf.params)
        assign = {}
        for p in wf.params:
            value = input_value(p, f"$lookup({inp}, {literal(p.name)})")
            if p.default is not None:
                value = f"$exists({value}) ? {value} : {expression(p.default)}"
            assign[p.var] = wrap(value)
        bad = self.state(m, "Bad_arguments", lambda name: {
            "Type": "Fail", "Comment": self.comment(wf.loc), "Error": "TypeError", "Cause": wrap(problem)})

        def build(name: str) -> dict:
            rule = {"Condition": wrap(f"({problem}) = ''"), "Next": body()}
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
        if isinstance(stmt.value, ir.MapCall):
            return self.map(m, stmt.value, {stmt.targets[0]: wrap("$states.result")}, cont, catchers)
        if isinstance(stmt.value, ir.CalleeCall):
            assign = {stmt.targets[0]: wrap(call_result(stmt.value))}
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

    def stmt_Rebind(self, m, stmt: ir.Rebind, cont, catchers) -> Thunk:
        label = "_".join(t for t, _ in stmt.targets)[:40]
        return self.state(m, f"Assign_{label}_L{stmt.loc.line}", lambda name: {
            "Type": "Pass", "Comment": self.comment(stmt.loc),
            "Assign": {t: template(v) for t, v in stmt.targets}, "Next": cont()})

    def stmt_Wait(self, m, stmt: ir.Wait, cont, catchers) -> Thunk:
        if stmt.seconds is not None:
            s = f"{T}s"
            field = {"Seconds": wrap(f"({s} := {num(expression(stmt.seconds))}; $type({s}) = 'number' and {s} >= 0 "
                                     f"? $ceil({s}) : $error('ValueError: the seconds to wait must be a number "
                                     f">= 0'))")}
        else:
            field = {"Timestamp": wrap(expression(stmt.until))}
        return self.state(m, f"Wait_L{stmt.loc.line}", lambda name: {
            "Type": "Wait", "Comment": self.comment(stmt.loc), **field, "Next": cont()})

    def stmt_Effect(self, m, stmt: ir.Effect, cont, catchers) -> Thunk:
        if isinstance(stmt.value, ir.MapCall):
            return self.map(m, stmt.value, {}, cont, catchers)
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
        after_body = self.block(m, stmt.orelse, cont, catchers)  # `else`: not covered by the handlers
        return self.block(m, stmt.body, after_body, inner + catchers)

    def stmt_TryFinally(self, m, stmt: ir.TryFinally, cont, catchers) -> Thunk:
        """``finally`` runs on every way out of the body: it is lowered once per way.

        Falling off the end runs a copy that goes on to ``cont``; an error is caught (a
        catch-all after the inner handlers), bound to ``stmt.error``, and runs a copy that
        raises it again; ``return``/``break``/``continue`` find the ``FinallyFrame`` and run
        a copy of their own (``exit_through``).
        """
        outside = self.frames
        with self.frames_set(outside):
            normal = self.block(m, stmt.final, cont, catchers)
            reraise = self.raise_caught(m, stmt.error, catchers, stmt.loc)
            on_error = self.block(m, stmt.final, reraise, catchers)
        everything = Catcher(ir.ErrorSet((), catch_all=True), stmt.error, on_error)
        with self.frames_set(outside + (FinallyFrame(stmt, catchers, outside),)):
            return self.block(m, stmt.body, normal, (everything,) + catchers)

    def stmt_Reraise(self, m, stmt: ir.Reraise, cont, catchers) -> Thunk:
        return self.raise_caught(m, stmt.var, catchers, stmt.loc)

    def raise_caught(self, m, var: str, catchers: tuple[Catcher, ...], loc) -> Thunk:
        """Raise again the error held in ``var`` (``{"error", "cause"}``), known only at run time.

        The enclosing handlers are tried in order by the error's name (a Choice), as a
        Catch would; if none matches, a Fail with the same Error and Cause.
        """
        fail = self.state(m, f"Reraise_L{loc.line}", lambda name: {
            "Type": "Fail", "Comment": self.comment(loc),
            "Error": wrap(f"${var}.error"), "Cause": wrap(f"${var}.cause")})
        if not catchers:
            return fail
        first = catchers[0]
        if first.errors.catch_all:
            return self.bind_caught(m, first, var, loc)

        def build(name: str) -> dict:
            rules = []
            for c in catchers:
                if c.errors.catch_all:
                    break
                rule = {"Condition": wrap(f"${var}.error in {literal(list(c.errors.names))}"),
                        "Next": c.target()}
                if c.var and c.var != var:
                    rule["Assign"] = {c.var: wrap(f"${var}")}
                rules.append(rule)
            last = next((c for c in catchers if c.errors.catch_all), None)
            return {"Type": "Choice", "Comment": self.comment(loc), "Choices": rules,
                    "Default": self.bind_caught(m, last, var, loc)() if last else fail()}
        return self.state(m, f"Match_error_L{loc.line}", build)

    def bind_caught(self, m, c: Catcher, var: str, loc) -> Thunk:
        if not c.var or c.var == var:
            return c.target
        return self.state(m, f"Caught_L{loc.line}", lambda name: {
            "Type": "Pass", "Comment": self.comment(loc), "Assign": {c.var: wrap(f"${var}")},
            "Next": c.target()})

    # ------------------------------------------------------------------ loops

    def stmt_While(self, m, stmt: ir.While, cont, catchers) -> Thunk:
        after = self.block(m, stmt.orelse, cont, catchers)
        header: list[Thunk] = []
        with self.frames_set(self.frames + (LoopFrame(cont, lambda: header[0]()),)):
            body = self.block(m, stmt.body, lambda: header[0](), catchers)
        test = self.state(m, f"While_L{stmt.loc.line}", lambda name: {
            "Type": "Choice", "Comment": self.comment(stmt.loc),
            "Choices": [{"Condition": wrap(truthy(stmt.test)), "Next": body()}], "Default": after()})
        header.append(self.block(m, stmt.setup, test, catchers))
        return header[0]

    def stmt_For(self, m, stmt: ir.For, cont, catchers) -> Thunk:
        """A snapshot of the iterable and an index (hidden variables), then a Choice per item.

        The Choice's rule binds the loop variables and advances the index in one step
        (rule-level ``Assign``), so an iteration costs one transition plus its body.
        """
        after = self.block(m, stmt.orelse, cont, catchers)
        header: list[Thunk] = []
        with self.frames_set(self.frames + (LoopFrame(cont, lambda: header[0]()),)):
            body = self.block(m, stmt.body, lambda: header[0](), catchers)
        start, more, bind = loop_parts(stmt)
        label = "_".join(stmt.targets)[:30]

        def build_header(name: str) -> dict:
            return {"Type": "Choice", "Comment": self.comment(stmt.loc),
                    "Choices": [{"Condition": wrap(more), "Assign": bind, "Next": body()}],
                    "Default": after()}
        header.append(self.state(m, f"For_{label}_L{stmt.loc.line}", build_header))
        states = self.state(m, f"Iterate_L{stmt.loc.line}", lambda name: {
            "Type": "Pass", "Comment": self.comment(stmt.loc), "Assign": start, "Next": header[0]()})
        fold = self.folds.get(id(stmt))
        if fold is None:
            return states
        # a small loop that only computes: the whole loop in one rule's Assign (loop_folding.py)
        text = loop_expression(stmt, fold)
        after = cont
        if len(fold.needed) > 1:  # the result object into the hidden items variable, then its fields
            assign = {stmt.items: wrap(text)}
            after = self.state(m, f"Loop_{label}_L{stmt.loc.line}_values", lambda _: {
                "Type": "Pass", "Comment": self.comment(stmt.loc),
                "Assign": {v: wrap(f"$lookup(${stmt.items}, {literal(v)})") for v in fold.needed}, "Next": cont()})
        elif fold.needed:
            assign = {fold.needed[0]: wrap(f"$lookup({text}, {literal(fold.needed[0])})")}
        else:  # nothing read after it: kept for the errors it may raise
            assign = {stmt.items: wrap(f"$exists({text})")}
        count = static_count(stmt)
        if count is not None and count <= MAX_ITEMS:  # small by the source: no gate (a Pass the rules fold)
            return self.state(m, f"Loop_{label}_L{stmt.loc.line}", lambda _: {
                "Type": "Pass", "Comment": self.comment(stmt.loc), "Assign": assign, "Next": after()})
        return self.state(m, f"Loop_{label}_L{stmt.loc.line}", lambda _: {
            "Type": "Choice", "Comment": self.comment(stmt.loc),
            "Choices": [{"Condition": wrap(small_enough(stmt)), "Assign": assign, "Next": after()}],
            "Default": states()})

    def stmt_Break(self, m, stmt: ir.Break, cont, catchers) -> Thunk:
        return self.exit_through(m, lambda loop: loop.on_break)

    def stmt_Continue(self, m, stmt: ir.Continue, cont, catchers) -> Thunk:
        return self.exit_through(m, lambda loop: loop.on_continue)

    def exit_through(self, m, target: Callable[[LoopFrame], Thunk] | None,
                     end: Thunk | None = None) -> Thunk:
        """Leave the innermost loop (or, ``target=None``, the function: go to ``end``), running
        the ``finally`` blocks in between, innermost first."""
        finals: list[FinallyFrame] = []
        for frame in reversed(self.frames):
            if isinstance(frame, LoopFrame):
                if target is not None:
                    end = target(frame)
                    break
            else:
                finals.append(frame)
        for frame in reversed(finals):  # wrap from the outermost in, so the innermost runs first
            with self.frames_set(frame.frames):
                end = self.block(m, frame.stmt.final, end, frame.catchers)
        return end

    @contextmanager
    def matched_outside(self, catchers):
        """Inside a Parallel branch or a Map iteration: the names the state's own Catch (and the
        enclosing rules) match, which a failing inner Task's error propagates to."""
        saved = getattr(self, "outer_matched", frozenset())
        self.outer_matched = matched_names(catchers, (), saved)
        try:
            yield
        finally:
            self.outer_matched = saved

    @contextmanager
    def frames_set(self, frames: tuple):
        saved, self.frames = self.frames, frames
        try:
            yield
        finally:
            self.frames = saved

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
        final = next((f for f in reversed(self.frames) if isinstance(f, FinallyFrame)), None)
        if final is not None:
            # The value is computed first, then the finally blocks run, then the machine ends.
            var = final.stmt.value
            end = self.state(m, f"Return_L{stmt.loc.line}", lambda name: {
                "Type": "Succeed", "Comment": self.comment(stmt.loc), "Output": wrap("$" + var)})
            value = stmt.value if stmt.value is not None else ir.Const(None, stmt.loc)
            store = ir.Assign((var,), value, stmt.loc)
            return self.block(m, (store,), self.exit_through(m, None, end), catchers)
        if isinstance(stmt.value, ir.CalleeCall):
            return self.task(m, stmt.value, {}, None, catchers)
        if isinstance(stmt.value, ir.ParallelCall):
            return self.parallel(m, stmt.value, {}, None, catchers)
        if isinstance(stmt.value, ir.MapCall):
            return self.map(m, stmt.value, {}, None, catchers)
        output = template(stmt.value) if stmt.value is not None else wrap("null")
        return self.state(m, f"Return_L{stmt.loc.line}", lambda name: {
            "Type": "Succeed", "Comment": self.comment(stmt.loc), "Output": output})

    # ------------------------------------------------------------------ calls

    def task(self, m, call: ir.CalleeCall, assign: dict, cont, catchers) -> Thunk:
        if call.service is not None:
            return self.service_task(m, call, assign, cont, catchers)
        if call.callback is not None:  # PSF.wait_for_callback: .waitForTaskToken
            return callback_task(self, m, call, assign, cont, catchers)
        if call.child is not None:  # another workflow's entry: a child execution
            from pysfn.compiler.children import child_task
            return child_task(self, m, call, assign, cont, catchers)
        matched = matched_names(catchers, call.retriers, getattr(self, "outer_matched", frozenset()))

        def build(name: str) -> dict:
            payload = {"callee": call.callee, "args": [template(a) for a in call.args]}
            if call.kwargs:  # the dispatcher reads a missing "kwargs" as {}: 12 bytes less per call
                payload["kwargs"] = {k: template(v) for k, v in call.kwargs}
            if matched:  # library subclasses are reported under these names (error_matching.py)
                payload["catch"] = sorted(matched)
            state = {"Type": "Task", "Comment": self.comment(call.loc), "Resource": LAMBDA_INVOKE,
                     "Arguments": {"FunctionName": self.arn, "Payload": payload}}
            if call.timeout is not None:
                state["TimeoutSeconds"] = call.timeout
            if assign:
                state["Assign"] = assign
            state["Retry"] = [dict(LAMBDA_SERVICE_RETRY)] + [_retrier(r) for r in call.retriers]
            self.with_catch(state, self.catch_field(catchers))
            _continue(state, cont, call_result(call))
            return state
        label = "Python" if call.extracted else call.callee.replace('.', '_')
        return self.state(m, f"{label}_L{call.loc.line}", build)

    def service_task(self, m, call: ir.CalleeCall, assign: dict, cont, catchers) -> Thunk:
        """``aws.CLIENT.METHOD(...)``: the integration itself; no Lambda, no Lambda retries."""
        def build(name: str) -> dict:
            state = {"Type": "Task", "Comment": self.comment(call.loc), "Resource": call.service.resource,
                     # the service reads plain JSON: whole floats' tags decoded (numbers.py)
                     "Arguments": {k: decode_output_template(template(v)) for k, v in call.kwargs}}
            if assign:
                state["Assign"] = assign
            if call.retriers:
                state["Retry"] = [_retrier(r) for r in call.retriers]
            self.with_catch(state, self.catch_field(catchers))
            _continue(state, cont, call_result(call))
            return state
        return self.state(m, f"{call.service.client}_{call.service.method}_L{call.loc.line}", build)

    def parallel(self, m, call: ir.ParallelCall, assign: dict, cont, catchers) -> Thunk:
        def build(name: str) -> dict:
            branches = []
            for branch in call.branches:
                sub = Machine()
                with self.frames_set(()), self.matched_outside(catchers):  # a branch is a function of its own
                    start = self.block(sub, branch.body, self.return_none(sub), ())()
                branches.append({"StartAt": start, "States": sub.states})
            state = {"Type": "Parallel", "Comment": self.comment(call.loc), "Branches": branches}
            if assign:
                state["Assign"] = assign
            self.with_catch(state, self.catch_field(catchers))
            _continue(state, cont, "$states.result")
            return state
        return self.state(m, f"Parallel_L{call.loc.line}", build)


    def map(self, m, call: ir.MapCall, assign: dict, cont, catchers) -> Thunk:
        from pysfn.compiler.fanout_lower import map_state
        label = call.call.callee.replace('.', '_') if call.call is not None else "Items"
        thunk = self.state(m, f"Map_{label}_L{call.loc.line}",
                           lambda name: map_state(self, m, call, assign, cont, catchers, Machine, _continue))
        return self.block(m, call.setup, thunk, catchers) if call.setup else thunk


# The result of a service Task without the SDK's HTTP metadata, as boto3 natively gives it without
# ResponseMetadata (pysfn.aws); $merge keeps an empty response an object ($sift of {} is undefined).
SERVICE_RESULT = ("$merge([{}, $sift($states.result, function($v, $k) "
                  "{$not($k in ['SdkHttpMetadata', 'SdkResponseMetadata'])})])")


def call_result(call: ir.CalleeCall) -> str:
    """The JSONata of a call's value, read in its Task's Assign/Output."""
    if call.callback is not None:
        return callback_result()
    if call.child is not None:
        from pysfn.compiler.children import child_result
        return child_result(call)
    if call.service is None:
        return "$states.result.Payload"
    if call.service.result_floats is None:
        return SERVICE_RESULT
    # the response's floats as the number model holds them (a whole 2.0 tagged, numbers.py)
    return f"({T}sr := {SERVICE_RESULT}; {as_declared(call.service.result_floats, T + 'sr')})"


def _continue(state: dict, cont: Thunk | None, result: str) -> None:
    """Go on to ``cont``, or (``return call(...)``) end the machine with the call's result."""
    if cont is None:
        state["Output"] = wrap(result)
        state["End"] = True
    else:
        state["Next"] = cont()


def _retrier(r: ir.Retrier) -> dict:
    out = {"ErrorEquals": list(r.errors), "IntervalSeconds": r.interval,
           "MaxAttempts": r.max_attempts, "BackoffRate": r.backoff_rate}
    if r.max_delay is not None:
        out["MaxDelaySeconds"] = r.max_delay
    if r.jitter is not None:
        out["JitterStrategy"] = r.jitter
    return out


def _string_field(e: ir.Expr):
    """Fail's Error/Cause: a constant string as is, anything else as an expression."""
    if isinstance(e, ir.Const) and isinstance(e.value, str) and not e.value.startswith("{%"):
        return e.value
    return wrap(expression(e))


def _error_label(stmt: ir.Raise) -> str:
    if isinstance(stmt.error, ir.Const) and isinstance(stmt.error.value, str):
        return stmt.error.value[:40]
    return stmt.class_name
