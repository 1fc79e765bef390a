"""Promise chains: ``PSF.promise(f, *args).then(g).catch(E, h)....result()`` as try blocks.

A chain means what the runtime's ``Promise.result`` does: each ``then`` gets the value
before it, a failure skips the ``then``s up to the first ``catch`` whose errors match, whose
handler gets ``{"error": name, "cause": message}`` and gives the value the chain goes on
with; a handler that raises is a failure like any other. That is exactly a nest of
``try`` blocks, each ``catch`` closing the one around everything before it::

    v = f(*args); v = g(v)            try:
    .catch(E, h)           ==>            try: v = f(*args); v = g(v)
    .then(k)                              except E as e: v = h(e)
                                          v = k(v)
    .catch(m)                         except Exception as e: v = m(e)

so it compiles to Tasks joined by ``Next`` with ``Catch`` edges to the handlers, through the
statements the compiler already has.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir
from pysfn.compiler.callee_options import error_names
from pysfn.compiler.errors import CATCH_ALL

USAGE = "PSF.promise(fn, *args).then(g).catch(handler).result()"


class PromiseCompiler:
    """Mixed into ``FunctionCompiler``."""

    def is_promise(self, node: ast.expr) -> bool:
        """``<chain>.result()`` whose chain starts with ``PSF.promise``."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "result"):
            return False
        inner = node.func.value
        while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
                and inner.func.attr in ("then", "catch"):
            inner = inner.func.value
        return isinstance(inner, ast.Call) and self.info.psf_attr(inner.func) == "promise"

    def promise_chain(self, node: ast.Call) -> tuple[list[ir.Stmt], str]:
        """The statements of the chain, and the hidden variable holding its value."""
        if node.args or node.keywords:
            raise self.rep.error(node, ".result() takes no arguments", USAGE)
        steps = []
        inner = node.func.value
        while self.info.psf_attr(inner.func) != "promise":
            steps.append(inner)
            inner = inner.func.value
        steps.reverse()
        value = self.scope.hidden("promise")
        first = inner
        if not first.args:
            raise self.rep.error(first, "PSF.promise takes the callee to call first", USAGE)
        fn, *args = first.args
        call = ast.copy_location(ast.Call(func=fn, args=args, keywords=first.keywords), first)
        block: list[ir.Stmt] = [ir.Assign((value,), self.callee_call(call, ()), self.loc(first))]
        for step in steps:
            if step.func.attr == "then":
                if len(step.args) != 1 or step.keywords:
                    raise self.rep.error(step, ".then takes one callee, called with the value so far", USAGE)
                block.append(ir.Assign((value,), self.step_call(step.args[0], value), self.loc(step)))
                continue
            if step.keywords or not 1 <= len(step.args) <= 2:
                raise self.rep.error(step, ".catch takes a handler, or the errors to catch and a handler",
                                     ".catch(handler) or .catch(TimeoutError, handler)")
            errors = ir.ErrorSet((), catch_all=True) if len(step.args) == 1 else self.catch_errors(step.args[0])
            caught = self.scope.hidden("caught")
            handler = (ir.Assign((value,), self.step_call(step.args[-1], caught), self.loc(step)),)
            block = [ir.Try(tuple(block), (ir.Handler(errors, caught, handler, self.loc(step)),), self.loc(step))]
        return block, value

    def step_call(self, fn: ast.expr, argument: str) -> ir.CalleeCall:
        """``fn(<the hidden variable>)`` for a ``then`` or a handler: ``fn`` must be a callee."""
        if self.callee_of(fn) is None:
            raise self.rep.error(fn, f"'{ast.unparse(fn)}' is not a callee of this workflow", "in a promise chain, "
                                 "then and catch take functions of the module (called with one argument)")
        self.scope.alias(argument, argument)  # the call reads the hidden variable by its own name
        call = ast.copy_location(ast.Call(func=fn, args=[ast.Name(argument, ast.Load())], keywords=[]), fn)
        return self.callee_call(call, ())

    def catch_errors(self, node: ast.expr) -> ir.ErrorSet:
        names = error_names(self.info, node)
        elts = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        catch_all = "States.ALL" in names or any(isinstance(e, ast.Name) and e.id in CATCH_ALL for e in elts)
        return ir.ErrorSet(() if catch_all else names, catch_all=catch_all)
