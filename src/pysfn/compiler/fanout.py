"""Front end of fan-out: ``PSF.map(fn, items)`` and ``[fn(x) for x in items if ...]`` -> a Map.

A mixin of FunctionCompiler (like ChangeCompiler): each item becomes one iteration of an
inline Map state whose processor calls the callee once. The items are computed once before
the Map (Python evaluates the iterable once too); an ``if`` filter of a comprehension is
applied to the items, so filtered-out items cost no Lambda call.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir
from pysfn.compiler.expressions import NotLowerable


class FanoutCompiler:
    """Methods mixed into FunctionCompiler; they use its scope, rep, expr and callee_call."""

    def hoist_fanouts(self, expr: ast.expr) -> tuple[list[ir.Stmt], ast.expr]:
        """``f(x) for x in xs`` inside a larger expression: its Map runs first, into a hidden
        variable the expression then reads (not inside another comprehension, whose variables
        it might read)."""
        from pysfn.compiler.extraction import _replace
        todo = [expr]
        while todo:
            node = todo.pop()
            if node is not expr and isinstance(node, ast.ListComp) and self.is_fanout(node):
                hidden, name = self.hidden_name("mapped", node)
                first = [ir.Assign((hidden,), self.fanout(node), self.loc(node))]
                more, rest = self.hoist_fanouts(_replace(expr, node, name))
                return first + more, rest
            if not isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
                todo.extend(ast.iter_child_nodes(node))
        return [], expr

    def is_fanout(self, node: ast.expr) -> bool:
        """``[callee(...) for x in items]`` (one generator, a name target, a callee element)."""
        if not (isinstance(node, ast.ListComp) and len(node.generators) == 1 and not node.generators[0].is_async
                and isinstance(node.elt, ast.Call) and self.callee_of(node.elt.func) is not None):
            return False
        target = node.generators[0].target
        # for a, b in pairs: each item unpacked in the iteration (no `if`: it filters the items first)
        return isinstance(target, ast.Name) or (isinstance(target, (ast.Tuple, ast.List)) and target.elts
                                                and all(isinstance(e, ast.Name) for e in target.elts)
                                                and not node.generators[0].ifs)

    def fanout(self, node: ast.ListComp) -> ir.MapCall:
        gen = node.generators[0]
        if isinstance(gen.target, ast.Name):
            return self.map_of(node, node.elt, gen.target.id, gen.iter, gen.ifs, 0)
        return self.map_of(node, node.elt, "_pysfn_item", gen.iter, gen.ifs, 0,
                           unpack=[e.id for e in gen.target.elts])

    def map_call(self, node: ast.Call) -> ir.MapCall:
        """``PSF.map(fn, items, max_concurrency=N)``."""
        usage = "PSF.map(callee, items, max_concurrency=10)"
        if len(node.args) != 2:
            raise self.rep.error(node, "PSF.map takes a callee and the items to call it with", usage)
        fn, items = node.args
        concurrency, mode = 0, "INLINE"
        for k in node.keywords:
            if k.arg == "max_concurrency":
                value = k.value.value if isinstance(k.value, ast.Constant) else None
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise self.rep.error(k.value, "max_concurrency must be a constant integer >= 0",
                                         "0 means no limit; Step Functions needs it in the definition")
                concurrency = value
            elif k.arg == "mode":
                if not (isinstance(k.value, ast.Constant) and k.value.value in ("inline", "distributed")):
                    raise self.rep.error(k.value, "mode is 'inline' or 'distributed'",
                                         "mode='distributed' runs each item as a child execution")
                mode = k.value.value.upper()
            else:
                raise self.rep.error(k.value if k.arg else node, f"PSF.map got an unexpected keyword "
                                     f"argument '{k.arg}'", usage)
        if self.callee_of(fn) is None:
            raise self.rep.error(fn, f"'{ast.unparse(fn)}' is not a callee of this workflow",
                                 "PSF.map calls a function defined at the top level of this module "
                                 "(or of a local module it imports) once per item")
        item = ast.copy_location(ast.Name("_pysfn_item", ast.Load()), node)
        element = ast.copy_location(ast.Call(func=fn, args=[item], keywords=[]), node)
        if mode == "DISTRIBUTED" and self.enclosing_handlers:
            self.rep.warn(node, "a failing item fails a distributed Map with States.ExceedToleratedFailureThreshold, "
                          "not with the item's own error: the enclosing 'except' sees that name",
                          "catch Exception around it, or use the inline mode to keep the item's error")
        return self.map_of(node, element, item.id, items, [], concurrency, mode)

    def map_of(self, node, element: ast.Call, name: str, items: ast.expr, ifs: list[ast.expr],
               concurrency: int, mode: str = "INLINE", unpack: list[str] = ()) -> ir.MapCall:
        before: list[ir.Stmt] = []
        setup: list[ir.Stmt] = []
        try:
            iteration = self.iteration(items, before)
        except NotLowerable as e:  # zip(...), sorted(...): the list Python walks, made in the Lambda first
            iteration = None
            reason = e.reason
        if iteration is not None and not before and iteration.kind not in ("values", "range"):
            iteration, reason = None, "these items are made into a list in Python first"
        if iteration is None or before:
            if before and isinstance(items, ast.Call) and self.is_call_of_callee_or_api(items):
                raise self.rep.error(items, "these items cannot feed a Map state",
                                     "store them in a variable first: items = ...; [f(x) for x in items]")
            setup, hidden = self.extract(items, reason, iterable=True)
            iteration = ir.Iteration("values", (self.expr(hidden),))
        var = self.scope.hidden("item")
        names = [name] + list(unpack)
        saved = {n: self.scope.vars.get(n) for n in names}
        self.scope.vars[name] = var  # the item, a variable of the Map iteration's own scope
        unpacked = tuple(self.scope.hidden("item") for _ in unpack)
        for n, v in zip(unpack, unpacked):
            self.scope.vars[n] = v
        try:
            conditions = tuple(self.condition(c) for c in ifs)
            call = self.callee_call(element, ())
        finally:
            for n, v in saved.items():
                if v is None:
                    self.scope.vars.pop(n, None)
                else:
                    self.scope.vars[n] = v
        return ir.MapCall(call, var, iteration, conditions, concurrency, self.loc(node), mode,
                          setup=tuple(setup), unpack=unpacked)
