"""Front end: the entry function's Python ``ast`` -> the IR.

A plain visitor in the style of pyflakes: one method per construct, each either
building IR or raising a located diagnostic with a hint. Nothing here knows about
states or JSONata; it only decides what the Python means.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses

from pysfn.compiler import ir
from pysfn.compiler.aliasing_flow import check_aliasing
from pysfn.compiler.tuples import check_tuples
from pysfn.compiler.callee_options import callee_options
from pysfn.compiler.changes import ChangeCompiler
from pysfn.compiler.expressions import ExpressionCompiler, NotLowerable
from pysfn.compiler.guards import guarded_statement
from pysfn.compiler.fallible import (RAISED, FinallyWatch, caught_here, changing_statement_may_fail,
                                     finally_is_observable)
from pysfn.compiler.extraction import ExtractionCompiler, module_level_names
from pysfn.compiler.fanout import FanoutCompiler
from pysfn.compiler.hoisting import hoist_statement
from pysfn.compiler.history import refuse_endless, warn_if_too_long, warn_if_unbounded
from pysfn.compiler.children import child_call
from pysfn.compiler.integrations import aws_attribute, service_call, service_error_names
from pysfn.compiler.callbacks import callback_call, callback_error_names, check_timeout_binding
from pysfn.compiler.promises import USAGE, PromiseCompiler
from pysfn.compiler.suggest import callee_names, did_you_mean
from pysfn.compiler.retry_checks import RANGES, check_backoff, check_error_name, check_fail, check_range
from pysfn.compiler.signature import spec_of as signature_spec
from pysfn.compiler.flow_types import flow_types
from pysfn.compiler.types import annotation_types, local_types
from pysfn.compiler.diagnostics import CompileError, Loc
from pysfn.compiler.errors import CATCH_ALL
from pysfn.compiler.constants import constant_value
from pysfn.compiler.module import ModuleInfo, is_json_value, top_level_names
from pysfn.compiler.scope import Scope

NOT_YET = "this construct is not supported by pysfn yet"
# PSF APIs planned for later versions: a clear message rather than a wrong translation.
PLANNED_APIS: set[str] = set()


def assigned_names(body: list[ast.stmt]) -> list[str]:
    """Names a function body binds, in order, without entering nested defs."""
    names: list[str] = []

    def bind(target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                bind(elt)

    def visit(stmts: list[ast.stmt]) -> None:
        for node in stmts:
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    bind(t)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                bind(node.target)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                bind(node.target)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.append(node.name)
            elif isinstance(node, ast.Match):
                for case in node.cases:
                    names.extend(p.name for p in ast.walk(case.pattern) if isinstance(p, ast.MatchAs) and p.name)
                    visit(case.body)
            for field in ("body", "orelse", "finalbody", "handlers"):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(getattr(node, field, []) or [])
    visit(body)
    return list(dict.fromkeys(names))


class FunctionCompiler(ExpressionCompiler, ChangeCompiler, ExtractionCompiler, FanoutCompiler, PromiseCompiler):
    """Compiles one function body (the entry, or a nested def run as a Parallel branch)."""

    def __init__(self, info: ModuleInfo, scope: Scope, fn: ast.FunctionDef, callees: set[str]):
        self.info = info
        self.rep = info.reporter
        self.scope = scope
        self.fn = fn
        self.callees = callees              # filled with every callee key used
        self.entry_node = info.entry
        self.nested: dict[str, ast.FunctionDef] = {}
        self.exception_vars: set[str] = set()  # names bound by `except ... as e`
        self.enclosing_handlers: list[ir.ErrorSet] = []  # of the try bodies we are inside
        self.watched_finally: list[FinallyWatch] = []  # try ... finally bodies we are inside
        self.loops = 0                      # loops around the statement being compiled
        self.caught: list[str] = []         # variables holding the errors of the except blocks we are in
        for name in assigned_names(fn.body):
            scope.declare(name)
        a = fn.args
        params = a.posonlyargs + a.args + a.kwonlyargs
        checked = {p.arg: annotation_types(p.annotation) for p in params} if fn is info.entry else {}
        insensitive = local_types(fn, {p.arg for p in params}, checked)
        # the types at each read (flow_types.py); the union above where the walk does not reach
        self.var_types = flow_types(fn, insensitive, {p.arg: checked.get(p.arg) for p in params})
        defaults = mutable_defaults(fn) if fn is info.entry else {}
        try:
            check_aliasing(fn, self.rep, {name: c.node for name, c in info.callees.items() if c.node is not None
                                          and c.node is not info.entry}, insensitive, info.psf_attr, defaults,
                           lambda param, where: warn_mutable_default(self.rep, fn, param, defaults[param], where))
        except CompileError as e:
            self.rep.record(e)
        check_tuples(fn, self.rep, {name: c.node for name, c in info.callees.items()})  # str() of a tuple

    def loc(self, node: ast.AST) -> Loc:
        return Loc.of(self.rep.file, node)

    # ------------------------------------------------------------------ statements

    def block(self, stmts: list[ast.stmt]) -> tuple[ir.Stmt, ...]:
        out: list[ir.Stmt] = []
        for node in stmts:
            try:
                out.extend(self.stmt(node))
            except CompileError as e:  # report it with the others at the end: go on with the next
                self.rep.record(e)
        return tuple(out)

    def stmt(self, node: ast.stmt) -> list[ir.Stmt]:
        method = getattr(self, f"stmt_{type(node).__name__}", None)
        if method is None:
            raise self.unsupported_stmt(node)
        try:
            hoisted = hoist_statement(self, node)  # callee calls inside expressions run first
            if hoisted is not None:
                return hoisted
            if self.enclosing_handlers and caught_here(self.enclosing_handlers, set(RAISED)) \
                    and changing_statement_may_fail(node):
                self.rep.warn(node, f"if '{ast.unparse(node).splitlines()[0]}' fails, the compiled machine stops "
                              "with its error; the enclosing 'except' does not catch it there",
                              "test first (if key in d, if xs: ...), or do it inside a callee")
            return method(node)
        except NotLowerable as e:
            guarded = guarded_statement(self, node, method, e)  # exact for most values: tested first
            return guarded if guarded is not None else self.extract_statement(node, e)

    def unsupported_stmt(self, node: ast.stmt):
        kind = type(node).__name__
        hints = {
            "Global": "a workflow's state lives in its local variables; pass values as arguments",
            "Nonlocal": "a workflow's state lives in its local variables; pass values as arguments",
            "With": "move the 'with' block into a callee",
            "AsyncFunctionDef": "Step Functions has no coroutines; use PSF.parallel for concurrency",
            "ClassDef": "define classes at module level",
            "Import": "import at module level",
            "ImportFrom": "import at module level",
            "Assert": "raise PSF.Fail(...) under an if instead",
        }
        return self.rep.error(node, f"'{ast.unparse(node).splitlines()[0]}': {kind} statements are not "
                              "supported in a workflow function yet",
                              hints.get(kind, "move this code into a callee (a module-level function)"))

    def hidden_name(self, kind: str, at: ast.AST) -> tuple[str, ast.Name]:
        """A hidden variable, and a Python name reading it, for code the compiler rewrites."""
        hidden = self.scope.hidden(kind)
        self.scope.alias(hidden, hidden)
        return hidden, ast.copy_location(ast.Name(hidden, ast.Load()), at)

    def hoist_call(self, call: ast.Call) -> tuple[list[ir.Stmt], ast.Name]:
        """``f(x)`` inside a statement: its Task runs first, into a hidden variable the statement reads."""
        hidden, name = self.hidden_name("result", call)
        return [ir.Assign((hidden,), self.call(call), self.loc(call))], name

    def is_wait(self, call: ast.Call) -> bool:
        """``PSF.wait(...)``, or ``time.sleep(...)`` of the standard ``time`` module."""
        if self.info.psf_attr(call.func) == "wait":
            return True
        func = call.func
        return (isinstance(func, ast.Attribute) and func.attr == "sleep" and isinstance(func.value, ast.Name)
                and func.value.id == "time" and self.scope.lookup("time") is None
                and any(isinstance(n, ast.Import) and any(a.name == "time" and a.asname is None for a in n.names)
                        for n in self.info.tree.body))

    def wait(self, call: ast.Call) -> ir.Wait:
        """A Wait state: seconds (a number >= 0, rounded up to whole seconds) or a timestamp."""
        given = dict(zip(("seconds", "until"), call.args))
        for k in call.keywords:
            if k.arg not in ("seconds", "until") or k.arg in given:
                raise self.rep.error(k.value, f"unexpected argument '{k.arg}' of the wait",
                                     "PSF.wait(seconds) or PSF.wait(until=\"2030-01-01T00:00:00Z\")")
            given[k.arg] = k.value
        if len(given) != 1:
            raise self.rep.error(call, "a wait takes either seconds or until=timestamp",
                                 "PSF.wait(30) or PSF.wait(until=\"2030-01-01T00:00:00Z\")")
        if "seconds" in given:
            seconds = self.expr(given["seconds"])
            if isinstance(seconds, ir.Const) and (not isinstance(seconds.value, (int, float))
                                                  or isinstance(seconds.value, bool) or seconds.value < 0):
                raise self.rep.error(given["seconds"], "the seconds to wait must be a number >= 0", "PSF.wait(30)")
            return ir.Wait(seconds, None, self.loc(call))
        return ir.Wait(None, self.expr(given["until"]), self.loc(call))

    def stmt_Pass(self, node: ast.Pass) -> list[ir.Stmt]:
        return []

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> list[ir.Stmt]:
        self.nested[node.name] = node  # a Parallel branch; compiled where it is used
        return []

    def stmt_Expr(self, node: ast.Expr) -> list[ir.Stmt]:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return []  # a docstring or string comment
        if isinstance(node.value, ast.Call) and self.changing_call(node.value):
            return self.method_change(node.value, None)
        if isinstance(node.value, ast.Call) and self.is_wait(node.value):
            return [self.wait(node.value)]
        if self.is_promise(node.value):
            return self.promise_chain(node.value)[0]
        if not isinstance(node.value, ast.Call):
            self.check_extractable(node.value)  # yield/await: say what is wrong with them
            raise self.rep.error(node, "this expression statement has no effect",
                                 "only calls of callees, PSF.parallel and PSF.with_retry_spec "
                                 "can stand alone")
        return [ir.Effect(self.call(node.value), self.loc(node))]

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> list[ir.Stmt]:
        if node.value is None:
            return []  # a declaration only
        return self.stmt_Assign(ast.copy_location(ast.Assign([node.target], node.value), node))

    def stmt_Assign(self, node: ast.Assign) -> list[ir.Stmt]:
        if len(node.targets) != 1:
            # a = b = value: the value once, then copied (check_aliasing ruled out shared changes)
            first, *others = node.targets
            if not all(isinstance(t, ast.Name) for t in node.targets):
                raise self.rep.error(node, "chained assignment is only supported to plain names",
                                     "assign one target per line")
            out = self.stmt_Assign(ast.copy_location(ast.Assign([first], node.value), node))
            for t in others:
                load = ast.copy_location(ast.Name(first.id, ast.Load()), first)
                out.append(ir.Rebind(((self.scope.lookup(t.id), self.expr(load)),), self.loc(t)))
            return out
        target = node.targets[0]
        value = node.value
        if isinstance(target, ast.Subscript):
            if isinstance(value, ast.Call) and self.is_call_of_callee_or_api(value):
                # d[k] = f(x): the Task's result goes to a hidden variable, then into the item
                self.root_var(target)
                before, result = self.hoist_call(value)
                return before + self.assign_to_subscript(target, result)
            return self.assign_to_subscript(target, value)
        if isinstance(target, ast.Name) and isinstance(value, ast.Call) and self.changing_call(value):
            return self.method_change(value, self.scope.lookup(target.id))
        if isinstance(target, ast.Name) and self.is_promise(value):
            stmts, result = self.promise_chain(value)
            return stmts + [ir.Rebind(((self.scope.lookup(target.id), ir.Var(result, self.loc(value))),),
                                      self.loc(node))]
        if isinstance(target, ast.Name):
            targets = (self.scope.lookup(target.id),)
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
            targets = tuple(self.scope.lookup(e.id) for e in target.elts)
            if not (isinstance(value, ast.Call) and self.info.psf_attr(value.func) == "parallel"):
                if isinstance(value, ast.Call) and self.is_call_of_callee_or_api(value):
                    hidden = self.scope.hidden("result")
                    call = self.call(value)
                    whole = ast.copy_location(ast.Name("_", ast.Load()), value)
                    return [ir.Assign((hidden,), call, self.loc(node)),
                            ir.Rebind(tuple((t, ir.Change("unpack", ir.Var(hidden, self.loc(whole)),
                                                          (ir.Const(k, self.loc(node)),
                                                           ir.Const(len(targets), self.loc(node))),
                                                          self.loc(node)))
                                            for k, t in enumerate(targets)), self.loc(node))]
                return self.unpack_expression(target.elts, value, node)
            call = self.call(value)
            if len(call.branches) != len(targets):
                raise self.rep.error(target, f"cannot unpack {len(call.branches)} branch results "
                                     f"into {len(targets)} names", "use as many names as branches")
            return [ir.Assign(targets, call, self.loc(node), unpack=True)]
        else:
            raise self.rep.error(target, "only a plain name can be assigned to here",
                                 "assign to a local variable: x = ...")
        if isinstance(node.value, ast.Call) and self.is_call_of_callee_or_api(node.value):
            return [ir.Assign(targets, self.call(node.value), self.loc(node))]
        if len(targets) == 1 and self.is_fanout(node.value):
            return [ir.Assign(targets, self.fanout(node.value), self.loc(node))]
        before, rewritten = self.hoist_fanouts(node.value)
        if before:  # the rest of the statement reads the Map's result (and may itself be extracted)
            return before + self.stmt(ast.copy_location(ast.Assign([target], rewritten), node))
        return [ir.Assign(targets, self.expr(node.value), self.loc(node))]

    def stmt_If(self, node: ast.If) -> list[ir.Stmt]:
        tests = [(self.condition(node.test), self.block(node.body))]
        orelse = node.orelse
        while len(orelse) == 1 and isinstance(orelse[0], ast.If) \
                and not getattr(orelse[0], "pysfn_not_elif", False):  # elif: same Choice
            tests.append((self.condition(orelse[0].test), self.block(orelse[0].body)))
            orelse = orelse[0].orelse
        return [ir.If(tuple(tests), self.block(orelse), self.loc(node))]

    def stmt_Try(self, node: ast.Try) -> list[ir.Stmt]:
        handlers = []
        for h in node.handlers:
            errors = self.error_set(h)
            var = None
            if h.name:
                var = self.scope.lookup(h.name)
                self.exception_vars.add(h.name)
            elif any(isinstance(n, ast.Raise) and n.exc is None for b in h.body for n in ast.walk(b)):
                var = self.scope.hidden("error")  # a bare `raise` needs the caught error
            self.caught.append(var)
            try:
                handlers.append(ir.Handler(errors, var, self.block(h.body), self.loc(h)))
            finally:
                self.caught.pop()
        covering = [h.errors for h in handlers]
        watched = bool(node.finalbody) and finally_is_observable(node.finalbody)
        if watched:  # a failed expression of the body would skip the `finally`: said once (fallible.py)
            self.watched_finally.append(FinallyWatch(node))
        self.enclosing_handlers.extend(covering)
        try:
            body = self.block(node.body)
        finally:
            del self.enclosing_handlers[len(self.enclosing_handlers) - len(covering):]
            if watched:
                self.watched_finally.pop()
        orelse = self.block(node.orelse)
        stmt = ir.Try(body, tuple(handlers), self.loc(node), orelse) if handlers else None
        if not node.finalbody:
            return [stmt]
        inner = (stmt,) if stmt is not None else body + orelse
        return [ir.TryFinally(inner, self.block(node.finalbody), self.scope.hidden("error"),
                              self.scope.hidden("return"), self.loc(node))]

    def stmt_Match(self, node: ast.Match) -> list[ir.Stmt]:
        """``match`` on literal patterns (values, None/True/False, ``|``, ``_``, a capture name,
        guards) as an ``if``/``elif`` chain on the subject, computed once."""
        out: list[ir.Stmt] = []
        subject = node.subject
        if not isinstance(subject, ast.Name) or self.scope.lookup(subject.id) is None:
            hidden, name = self.hidden_name("subject", subject)
            out += self.stmt(ast.copy_location(ast.Assign([ast.Name(hidden, ast.Store())], subject), subject))
            subject = name
        value = self.expr(subject)
        tests, orelse = [], ()
        for i, case in enumerate(node.cases):
            test, capture = self.pattern(case.pattern, value)
            if capture and case.guard is not None:
                raise self.rep.error(case.guard, "a guard after a capture pattern is not supported",
                                     f"test the subject itself: case _ if <condition on {ast.unparse(node.subject)}>")
            if case.guard is not None:
                guard = self.condition(case.guard)
                test = guard if test is None else ir.BoolOp("and", (test, guard), self.loc(case.guard))
            body = self.block(case.body)
            if capture:
                body = (ir.Rebind(((self.scope.lookup(capture), value),), self.loc(case.pattern)),) + body
            if test is None:
                if i != len(node.cases) - 1:
                    raise self.rep.error(case.pattern, "this pattern matches everything: the cases after it "
                                         "can never run", "make it the last case")
                orelse = body
            else:
                tests.append((test, body))
        if not tests:
            return out + list(orelse)
        return out + [ir.If(tuple(tests), orelse, self.loc(node))]

    def pattern(self, p: ast.pattern, subject: ir.Expr) -> tuple[ir.Expr | None, str | None]:
        """(the test of a literal pattern, or None if it always matches; the name it captures)."""
        loc = self.loc(p)
        if isinstance(p, ast.MatchValue):
            return ir.Compare("==", subject, self.expr(p.value), loc), None
        if isinstance(p, ast.MatchSingleton):
            if p.value is None:
                return ir.Compare("is", subject, ir.Const(None, loc), loc), None
            # `case True:` matches True only (an identity test), not 1
            return ir.BoolOp("and", (ir.AslTest("IsBoolean", (subject,), loc),
                                     ir.Compare("==", subject, ir.Const(p.value, loc), loc)), loc), None
        if isinstance(p, ast.MatchOr):
            parts = [self.pattern(q, subject) for q in p.patterns]
            if any(test is None or name for test, name in parts):
                raise self.rep.error(p, "only literal alternatives are supported in 'case a | b'",
                                     "list values: case \"a\" | \"b\":")
            return ir.BoolOp("or", tuple(test for test, _ in parts), loc), None
        if isinstance(p, ast.MatchAs):
            test, inner = self.pattern(p.pattern, subject) if p.pattern is not None else (None, None)
            return test, p.name or inner
        raise self.rep.error(p, f"'case {ast.unparse(p)}': only literal patterns are supported",
                             "match values, None/True/False, 'a | b', '_' or a name; use if/elif for "
                             "sequences, mappings and classes")

    # ------------------------------------------------------------------ loops

    def stmt_While(self, node: ast.While) -> list[ir.Stmt]:
        test = self.condition(node.test)
        refuse_endless(self.rep, node, test)
        self.loops += 1
        try:
            body = self.block(node.body)
        finally:
            self.loops -= 1
        warn_if_unbounded(self.rep, node, body)
        return [ir.While(test, body, self.block(node.orelse), self.loc(node))]

    def stmt_For(self, node: ast.For) -> list[ir.Stmt]:
        if isinstance(node.target, (ast.Tuple, ast.List)) \
                and any(isinstance(e, (ast.Tuple, ast.List)) for e in node.target.elts):
            node = self.flat_for_target(node)
        before: list[ir.Stmt] = []
        iteration = self.iteration(node.iter, before)
        target = node.target
        pair = iteration.kind in ("items", "enumerate")
        if isinstance(target, ast.Name) and not pair:
            targets, unpack = (self.scope.lookup(target.id),), False
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts) \
                and (not pair or len(target.elts) == 2):
            targets, unpack = tuple(self.scope.lookup(e.id) for e in target.elts), not pair
        else:
            raise self.rep.error(target, f"'for {ast.unparse(target)} in ...': this loop target is not supported",
                                 "use a name, or names to unpack each item into (for k, v in d.items())")
        self.loops += 1
        try:
            body = self.block(node.body)
        finally:
            self.loops -= 1
        warn_if_too_long(self.rep, node, iteration, body)
        return before + [ir.For(targets, iteration, body, self.block(node.orelse), self.scope.hidden("items"),
                                self.scope.hidden("index"), self.loc(node), unpack)]

    def flat_for_target(self, node: ast.For) -> ast.For:
        """``for i, (a, b) in ...`` -> ``for i, hidden in ...: a, b = hidden; ...`` (Python unpacks
        the nested item at the top of each iteration, with the same errors)."""
        elts, first = [], []
        for e in node.target.elts:
            if isinstance(e, (ast.Tuple, ast.List)):
                hidden, name = self.hidden_name("unpacked", e)
                elts.append(ast.copy_location(ast.Name(hidden, ast.Store()), e))
                first.append(ast.copy_location(ast.Assign([e], name), e))
            else:
                elts.append(e)
        target = ast.copy_location(ast.Tuple(elts, ast.Store()), node.target)
        return ast.copy_location(ast.For(target, node.iter, first + node.body, node.orelse), node)

    def iteration(self, node: ast.expr, before: list[ir.Stmt]) -> ir.Iteration:
        """What a ``for`` walks; a callee's result is stored first (``before``) and walked."""
        if isinstance(node, ast.Call) and self.is_call_of_callee_or_api(node) or self.is_fanout(node):
            hidden = self.scope.hidden("iterable")
            value = self.fanout(node) if self.is_fanout(node) else self.call(node)
            before.append(ir.Assign((hidden,), value, self.loc(node)))
            return ir.Iteration("values", (ir.Var(hidden, self.loc(node)),))
        builtin = self.builtin_name(node.func) if isinstance(node, ast.Call) else None
        if builtin == "range" and not node.keywords and 1 <= len(node.args) <= 3:
            args = [self.expr(a) for a in node.args]
            loc = self.loc(node)
            if len(args) == 1:
                args = [ir.Const(0, loc)] + args
            if len(args) == 2:
                args.append(ir.Const(1, loc))
            return ir.Iteration("range", tuple(args))
        if builtin == "enumerate" and 1 <= len(node.args) + len(node.keywords) <= 2 \
                and all(k.arg == "start" for k in node.keywords) and node.args \
                and not any(isinstance(a, ast.Starred) for a in node.args):
            given = node.args[1] if len(node.args) == 2 else node.keywords[0].value if node.keywords else None
            start = self.expr(given) if given is not None else ir.Const(0, self.loc(node))
            return ir.Iteration("enumerate", (self.expr(node.args[0]), start))
        one_arg = isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], ast.Starred)
        if builtin == "reversed" and one_arg:
            return ir.Iteration("reversed", (self.expr(node.args[0]),))
        if builtin in ("list", "tuple") and one_arg:  # a copy walks what the original walks
            return ir.Iteration("values", (self.expr(node.args[0]),))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                and not node.keywords and node.func.attr in ("items", "values", "keys"):
            kind = {"items": "items", "values": "dict_values", "keys": "dict_keys"}[node.func.attr]
            return ir.Iteration(kind, (self.expr(node.func.value),))
        return ir.Iteration("values", (self.expr(node),))

    def builtin_name(self, func: ast.expr) -> str | None:
        """``func``'s name if it is the builtin of that name (not shadowed in the workflow)."""
        if isinstance(func, ast.Name) and hasattr(builtins, func.id) and self.scope.lookup(func.id) is None \
                and func.id not in self.info.callees and func.id not in self.info.constants:
            return func.id
        return None

    def stmt_Break(self, node: ast.Break) -> list[ir.Stmt]:
        if not self.loops:
            raise self.rep.error(node, "'break' outside loop", "break only inside a for or while loop")
        return [ir.Break(self.loc(node))]

    def stmt_Continue(self, node: ast.Continue) -> list[ir.Stmt]:
        if not self.loops:
            raise self.rep.error(node, "'continue' not properly in loop", "continue only inside a for or while loop")
        return [ir.Continue(self.loc(node))]

    def stmt_Raise(self, node: ast.Raise) -> list[ir.Stmt]:
        exc = node.exc
        if exc is None:
            if not self.caught:
                raise self.rep.error(node, "a bare 'raise' outside an 'except' block has no error to raise again",
                                     "raise PSF.Fail(error, cause) or a named exception")
            return [ir.Reraise(self.caught[-1], self.loc(node))]
        if node.cause is not None:
            self.check_cause(node.cause)  # `from err`: no machine meaning; the error and message stay
        call = exc if isinstance(exc, ast.Call) else None
        func = call.func if call else exc
        if self.info.psf_attr(func) == "Fail":
            if call is None or call.keywords and any(k.arg not in ("error", "cause") for k in call.keywords):
                raise self.rep.error(exc, "PSF.Fail takes (error, cause)", "raise PSF.Fail(\"ErrorName\", \"why\")")
            args = list(call.args) + [k.value for k in sorted(call.keywords, key=lambda k: k.arg != "error")]
            if not 1 <= len(args) <= 2:
                raise self.rep.error(exc, "PSF.Fail takes (error, cause)", "raise PSF.Fail(\"ErrorName\", \"why\")")
            error = self.expr(args[0])
            if isinstance(error, ir.Const) and not isinstance(error.value, str):
                raise self.rep.error(args[0], "the error of PSF.Fail must be a string",
                                     "name the error: PSF.Fail(\"OrderRejected\", cause)")
            cause = self.expr(args[1]) if len(args) > 1 else ir.Const("", self.loc(exc))
            if isinstance(cause, ir.Const) and not isinstance(cause.value, str):
                raise self.rep.error(args[1], "the cause of PSF.Fail must be a string",
                                     "pass a message: PSF.Fail(\"OrderRejected\", \"why it failed\")")
            check_fail(self.rep, args[0], error.value if isinstance(error, ir.Const) else None,
                       args[1] if len(args) > 1 else exc, cause.value if isinstance(cause, ir.Const) else None)
            return [ir.Raise("Fail", error, cause, self.loc(node))]
        name = func.id if isinstance(func, ast.Name) else None
        if name is None or not self.info.exceptions.is_exception(name):
            raise self.rep.error(exc, f"cannot raise '{ast.unparse(exc)}': not a known exception class",
                                 "raise PSF.Fail(error, cause), a builtin exception, or a class of "
                                 "this module that derives from Exception")
        if call and (call.keywords or len(call.args) > 1):
            raise self.rep.error(exc, "an exception raised by the workflow takes at most one argument, its message",
                                 f"raise {name}(\"message\")")
        kind = self.info.exceptions.message_of(name)
        args = call.args if call else []
        if (kind == "python" or kind == "repr" and args and not isinstance(args[0], ast.Constant)) \
                and not getattr(node, "pysfn_cause_exact", False):
            # The Cause is str(exc), which CPython computes from the argument (repr for KeyError,
            # the class's own methods for a user class): computed in Python, by extraction.
            at = args[0] if args else exc
            exact = ast.copy_location(ast.Call(ast.Name("str", ast.Load()), [
                ast.copy_location(ast.Call(ast.Name(name, ast.Load()), list(args), []), at)], []), at)
            rewritten = ast.copy_location(ast.Raise(ast.copy_location(ast.Call(func, [exact], []), exc),
                                                    None), node)
            rewritten.pysfn_cause_exact = True
            return self.stmt(rewritten)
        message = self.expr(call.args[0]) if call and call.args else ir.Const("", self.loc(exc))
        if isinstance(message, ir.Const) and not getattr(node, "pysfn_cause_exact", False):
            # str(E(arg)) as CPython gives it: str(arg), or repr(arg) for KeyError and its subclasses
            message = ir.Const(repr(message.value) if kind == "repr" and call and call.args else
                               str(message.value), message.loc)
        check_fail(self.rep, func, name, call.args[0] if call and call.args else exc,
                   message.value if isinstance(message, ir.Const) else None)
        return [ir.Raise(name, ir.Const(name, self.loc(func)), message, self.loc(node))]

    def check_cause(self, cause: ast.expr) -> None:
        """``raise E(m) from cause``: CPython refuses (TypeError) a cause that is not an exception."""
        if isinstance(cause, ast.Constant) and cause.value is None:
            return
        if isinstance(cause, ast.Name) and cause.id in self.exception_vars:
            return
        func = cause.func if isinstance(cause, ast.Call) else cause
        if isinstance(func, ast.Name) and self.scope.lookup(func.id) is None \
                and self.info.exceptions.is_exception(func.id):
            return
        raise self.rep.error(cause, f"'from {ast.unparse(cause)}': the cause of a raise must be an exception",
                             "raise E(message) from err, with err bound by 'except ... as err' (or from None)")

    def stmt_Return(self, node: ast.Return) -> list[ir.Stmt]:
        value = node.value
        if value is None:
            return [ir.Return(None, self.loc(node))]
        if self.is_promise(value):
            stmts, result = self.promise_chain(value)
            return stmts + [ir.Return(ir.Var(result, self.loc(value)), self.loc(node))]
        if isinstance(value, ast.Call) and self.is_call_of_callee_or_api(value):
            return [ir.Return(self.call(value), self.loc(node))]  # the call's state ends the machine
        if self.is_fanout(value):
            return [ir.Return(self.fanout(value), self.loc(node))]
        before, rewritten = self.hoist_fanouts(value)
        if before:  # the rest of the statement reads the Map's result (and may itself be extracted)
            return before + self.stmt(ast.copy_location(ast.Return(rewritten), node))
        return [ir.Return(self.expr(value), self.loc(node))]

    def error_set(self, handler: ast.ExceptHandler) -> ir.ErrorSet:
        if handler.type is None:
            return ir.ErrorSet((), catch_all=True)
        elts = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names: set[str] = set()
        catch_all = False
        for elt in elts:
            service_errors = service_error_names(self, elt)
            if service_errors is not None:  # except aws.CLIENT.ErrorCode
                names.update(service_errors)
                continue
            timeout_errors = callback_error_names(self, elt)
            if timeout_errors is not None:  # except PSF.Timeout / PSF.HeartbeatTimeout
                check_timeout_binding(self, handler, elt)
                names.update(timeout_errors)
                continue
            name = elt.id if isinstance(elt, ast.Name) else None
            if self.info.psf_attr(elt) == "Fail":
                raise self.rep.error(elt, "PSF.Fail cannot be caught by class: its error name is only known at run time",
                                     "catch the exception the callee raises, or Exception")
            if name is None or not self.info.exceptions.is_exception(name):
                raise self.rep.error(elt, f"'{ast.unparse(elt)}' is not a known exception class",
                                     "catch a builtin exception or a class of this module (or a local module "
                                     "it imports) that derives from Exception")
            if name in CATCH_ALL:
                catch_all = True
            names.update(self.info.exceptions.subclass_closure(name))
        return ir.ErrorSet(tuple(sorted(names)), catch_all)

    # ------------------------------------------------------------------ calls (become states)

    def is_call_of_callee_or_api(self, call: ast.Call) -> bool:
        return self.callee_of(call.func) is not None or self.info.psf_attr(call.func) is not None \
            or aws_attribute(self.info, call.func) is not None

    def callee_of(self, func: ast.expr):
        if isinstance(func, ast.Name):
            if self.scope.lookup(func.id) is not None or func.id in self.nested:
                return None
            callee = self.info.callees.get(func.id)
            return None if callee is not None and callee.node is self.entry_node else callee
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in self.info.local_modules:
            return self.info.local_modules[func.value.id].get(func.attr)
        return None

    def call(self, node: ast.Call) -> ir.Call:
        api = self.info.psf_attr(node.func)
        if api == "parallel":
            return self.parallel(node)
        if api == "with_retry_spec":
            return self.with_retry_spec(node)
        if api == "map":
            return self.map_call(node)
        if api == "wait_for_callback":
            return callback_call(self, node)
        if api == "promise":
            raise self.rep.error(node, "a promise chain must end with .result()", "value = " + USAGE)
        if api in PLANNED_APIS:
            raise self.rep.error(node, f"PSF.{api} is not supported yet", "call a callee instead for now")
        if api is not None:
            raise self.rep.error(node, f"PSF.{api} cannot be used as a statement here",
                                 "PSF.main is a decorator, PSF.Fail is raised, the comparison helpers "
                                 "go in conditions")
        return self.callee_call(node, ())

    def callee_call(self, node: ast.Call, retriers: tuple[ir.Retrier, ...],
                    args: list[ast.expr] | None = None, keywords: list[ast.keyword] | None = None) -> ir.CalleeCall:
        service = service_call(self, node)
        if service is not None:  # aws.CLIENT.METHOD(...): a service integration
            return dataclasses.replace(service, retriers=tuple(retriers))
        child = child_call(self, node, tuple(retriers))
        if child is not None:  # another workflow's @PSF.main: a child execution (compiler/children.py)
            return child
        callee = self.callee_of(node.func)
        args = node.args if args is None else args
        keywords = node.keywords if keywords is None else keywords
        if callee is None:
            raise self.not_a_callee(node)
        for a in args:
            if isinstance(a, ast.Starred):
                raise self.rep.error(a, "*args in a callee call is not supported", "pass the arguments one by one")
        for k in keywords:
            if k.arg is None:
                raise self.rep.error(k.value, "**kwargs in a callee call is not supported",
                                     "pass the keyword arguments one by one")
        if callee.node is not None:
            self.check_arguments(node, callee.node, len(args), [k.arg for k in keywords])
        self.callees.add(callee.key)
        options = callee_options(self.info, callee.node if "." not in callee.key else None)
        retriers = tuple(retriers) + options.retriers  # the call's own specs first
        if any(r.errors == ("States.ALL",) for r in retriers[:-1]):
            raise self.rep.error(node, "a retry on every error must come last, and the callee's @PSF.retry "
                                 "comes after the call's own retry specs", "narrow one of the retries")
        return ir.CalleeCall(callee.key, tuple(self.expr(a) for a in args),
                             tuple((k.arg, self.expr(k.value)) for k in keywords), retriers, self.loc(node),
                             timeout=options.timeout)

    def not_a_callee(self, node: ast.Call):
        name = ast.unparse(node.func)
        if isinstance(node.func, ast.Name) and node.func.id in self.nested:
            return self.rep.error(node, f"'{name}' is a nested function: it can only run as a branch of "
                                  "PSF.parallel", f"PSF.parallel({name}) or move it to module level")
        if isinstance(node.func, ast.Name) and node.func.id == self.fn.name:
            return self.rep.error(node, "a workflow cannot call itself",
                                  "use a loop, or move the repeated work into a callee")
        root = node.func
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            if isinstance(root, ast.Call) and self.info.psf_attr(root.func) == "promise":
                return self.rep.error(node, "a promise chain must end with .result()", "value = " + USAGE)
            root = root.func if isinstance(root, ast.Call) else root.value
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in self.info.local_modules and self.scope.lookup(func.value.id) is None:
            hint = did_you_mean(name, callee_names(self.info))
            return self.rep.error(func, f"'{name}' is not a function of the local module '{func.value.id}'",
                                  hint or f"define 'def {func.attr}(...)' in {func.value.id}.py")
        if isinstance(node.func, ast.Name) and node.func.id in self.info.async_functions \
                and self.scope.lookup(node.func.id) is None:
            return self.rep.error(node.func, f"'{name}' is an 'async def': a callee must be a plain function",
                                  f"define it with 'def {name}(...)' (the Lambda calls it synchronously)")
        if not isinstance(root, ast.Name) or self.scope.lookup(root.id) is not None \
                or hasattr(builtins, root.id) or root.id in module_level_names(self.info.tree):
            # a library call, a builtin, a method of a value: Python code the Lambda can run
            return NotLowerable(node, f"'{name}(...)' is a call the state machine cannot make")
        hint = did_you_mean(name, callee_names(self.info))
        return self.rep.error(node.func, f"'{name}' is not a callee of this workflow",
                              hint or "callees are functions defined at the top level of this module or of a "
                              "local module it imports; builtins and library calls belong inside a callee")

    def check_arguments(self, node: ast.Call, fn: ast.FunctionDef, n_positional: int, keywords: list[str]) -> None:
        a = fn.args
        positional = [p.arg for p in a.posonlyargs + a.args]
        if n_positional > len(positional) and a.vararg is None:
            raise self.rep.error(node, f"{fn.name}() takes {len(positional)} positional arguments "
                                 f"but {n_positional} were given", f"see 'def {fn.name}' at line {fn.lineno}")
        bound = set(positional[:n_positional])
        for kw in keywords:
            if kw in bound:
                raise self.rep.error(node, f"{fn.name}() got multiple values for argument '{kw}'",
                                     "pass each argument once")
            if kw not in positional[len(a.posonlyargs):] + [p.arg for p in a.kwonlyargs] and a.kwarg is None:
                raise self.rep.error(node, f"{fn.name}() got an unexpected keyword argument '{kw}'",
                                     f"its parameters are: {', '.join(positional + [p.arg for p in a.kwonlyargs])}")
            bound.add(kw)
        required = positional[:len(positional) - len(a.defaults)]
        required += [p.arg for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
        missing = [p for p in required if p not in bound]
        if missing:
            raise self.rep.error(node, f"{fn.name}() is missing required arguments: {', '.join(missing)}",
                                 f"see 'def {fn.name}' at line {fn.lineno}")

    def parallel(self, node: ast.Call) -> ir.ParallelCall:
        if node.keywords or not node.args:
            raise self.rep.error(node, "PSF.parallel takes one or more nested functions",
                                 "def a(): ...; def b(): ...; results = PSF.parallel(a, b)")
        branches = []
        for arg in node.args:
            fn = self.nested.get(arg.id) if isinstance(arg, ast.Name) else None
            if fn is None:
                raise self.rep.error(arg, f"'{ast.unparse(arg)}' is not a nested function defined above "
                                     "in this workflow", "define the branch with 'def' inside the workflow "
                                     "function, before the PSF.parallel call")
            a = fn.args
            if a.args or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg:
                raise self.rep.error(fn, f"parallel branch '{fn.name}' must take no arguments",
                                     "read the values it needs from the enclosing function's variables")
            if fn.decorator_list:
                raise self.rep.error(fn.decorator_list[0], "a parallel branch cannot be decorated",
                                     "remove the decorator")
            inner = FunctionCompiler(self.info, self.scope.child(fn.name), fn, self.callees)
            # a branch's error fails the Parallel with its name: the enclosing handlers apply
            inner.enclosing_handlers = list(self.enclosing_handlers)
            inner.watched_finally = self.watched_finally
            branches.append(ir.Branch(fn.name, inner.block(fn.body), self.loc(fn)))
        return ir.ParallelCall(tuple(branches), self.loc(node))

    def with_retry_spec(self, node: ast.Call) -> ir.CalleeCall:
        if node.keywords or len(node.args) < 2:
            raise self.rep.error(node, "PSF.with_retry_spec takes (fn, (args...), (errors, interval, "
                                 "max_attempts, backoff_rate), ...)",
                                 "PSF.with_retry_spec(fetch, (url,), ([TimeoutError], 2, 3, 2.0))")
        fn, args_node, *specs = node.args
        args = list(args_node.elts) if isinstance(args_node, ast.Tuple) else [args_node]
        retriers = tuple(self.retrier(spec) for spec in specs)
        for r in retriers[:-1]:
            if r.errors == ("States.ALL",):
                raise self.rep.error(node, "a retry spec that catches everything must come last",
                                     "move the spec with Exception / 'States.ALL' to the end")
        fake = ast.Call(func=fn, args=args, keywords=[])
        ast.copy_location(fake, node)
        return self.callee_call(fake, retriers)

    def retrier(self, spec: ast.expr) -> ir.Retrier:
        elts = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        if not 1 <= len(elts) <= 4:
            raise self.rep.error(spec, "a retry spec is (errors, interval, max_attempts, backoff_rate)",
                                 "([TimeoutError], 2, 3, 2.0); trailing fields may be omitted")
        errors_node = elts[0]
        error_elts = errors_node.elts if isinstance(errors_node, (ast.List, ast.Tuple)) else [errors_node]
        names: set[str] = set()
        for e in error_elts:
            if isinstance(e, ast.Constant) and isinstance(e.value, str):
                check_error_name(self.rep, e, e.value)
                names.add(e.value)
            elif isinstance(e, ast.Name) and self.info.exceptions.is_exception(e.id):
                if e.id in CATCH_ALL:
                    names.add("States.ALL")
                else:
                    names.update(self.info.exceptions.subclass_closure(e.id))
            else:
                raise self.rep.error(e, f"'{ast.unparse(e)}' is not an exception class or error name",
                                     "list exception classes or ASL error names such as 'States.Timeout'")
        if not names:
            raise self.rep.error(errors_node, "a retry spec needs at least one error to retry on",
                                 "name the exceptions: ([TimeoutError, ConnectionError], 2, 3)")
        if "States.ALL" in names:
            names = {"States.ALL"}
        numbers = []
        for e, (label, kind, low) in zip(elts[1:], [("interval", int, 1), ("max_attempts", int, 0),
                                                    ("backoff_rate", float, 1)]):
            try:
                value = ast.literal_eval(e)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                value = None
            if not isinstance(value, (int, float)) or isinstance(value, bool) \
                    or (kind is int and not isinstance(value, int)) or value < low:
                raise self.rep.error(e, f"{label} must be {'an integer' if kind is int else 'a number'} >= {low}",
                                     "retry specs are constants: (errors, interval, max_attempts, backoff_rate)")
            check_range(self.rep, e, label, value) if label in RANGES else check_backoff(self.rep, e, value)
            numbers.append(value)
        return ir.Retrier(tuple(sorted(names)), *numbers)


def input_spec(param: ast.arg, info: ModuleInfo):
    """What the input for ``param`` is checked against; a warning if its annotation is not checkable."""
    spec = signature_spec(param.annotation, info)
    if param.annotation is not None and spec is None:
        info.reporter.warn(param.annotation, f"the annotation '{ast.unparse(param.annotation)}' of '{param.arg}' "
                           "is not checked against the execution input",
                           "checked: str, int, float, bool, None, list[T], dict[str, T], Optional[T], "
                           "T | None and TypedDict classes of the module")
    return spec


def mutable_defaults(fn: ast.FunctionDef) -> dict[str, ast.expr]:
    """Entry parameters whose default is a list or dict literal: parameter -> the default."""
    a = fn.args
    pairs = list(zip(a.args[len(a.args) - len(a.defaults):], a.defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
    return {p.arg: d for p, d in pairs if isinstance(d, (ast.List, ast.Dict))}


def warn_mutable_default(rep, fn: ast.FunctionDef, param: str, default: ast.expr, where: ast.AST) -> None:
    """The default object itself is changed in place: in CPython the change persists into the next
    call of the function; every execution of the machine starts from the default again."""
    text = ast.unparse(default)
    rep.warn(default, f"the default {text} of '{param}' is changed in place at line {where.lineno}: in CPython the "
             f"change persists into the next call of '{fn.name}' (one default object for every call); each "
             f"execution of the state machine starts again from {text}",
             f"default to None and make a new value in the body: {param} = [] if {param} is None else {param}")


def compile_entry(info: ModuleInfo, fn: ast.FunctionDef) -> ir.Workflow:
    """The entry function as an IR workflow."""
    rep = info.reporter
    a = fn.args
    if a.vararg or a.kwarg or a.posonlyargs:
        bad = a.vararg or a.kwarg or a.posonlyargs[0]
        raise rep.error(bad, "the entry's parameters are the keys of the execution input object",
                        "use named parameters (with defaults for optional keys), no *args/**kwargs/'/'")
    for decorator in fn.decorator_list:
        if info.psf_attr(decorator) != "main":
            raise rep.error(decorator, "the entry function can only be decorated with @PSF.main",
                            "remove the other decorators")
    taken: set[str] = set()
    scope = Scope(taken)
    callees: set[str] = set()
    params = []
    plain = a.args + a.kwonlyargs
    defaults = [None] * (len(a.args) - len(a.defaults)) + list(a.defaults) + list(a.kw_defaults)
    for p, d in zip(plain, defaults):
        default = None
        if d is not None:  # a literal, or a constant expression of literals and module constants
            ok, value = constant_value(d, info.constants, top_level_names(info.tree))
            if ok:
                default = ir.Const(value, Loc.of(rep.file, d))
            else:  # reported with the errors of the body
                try:
                    ast.literal_eval(d)
                    what = "a JSON value"
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    what = "a literal (or a constant expression of literals and module constants)"
                rep.record(rep.error(d, f"a parameter default must be {what}",
                                     "use a JSON literal: 0, \"\", None, [], {}"))
        params.append((p, default))
    for p, _ in params:
        scope.declare(p.arg)
    compiler = FunctionCompiler(info, scope, fn, callees)
    body = compiler.block(fn.body)
    rep.raise_errors()
    return ir.Workflow(
        name=fn.name,
        params=tuple(ir.Param(p.arg, scope.lookup(p.arg), d, Loc.of(rep.file, p), input_spec(p, info))
                     for p, d in params),
        body=body, loc=Loc.of(rep.file, fn), callees=callees)

