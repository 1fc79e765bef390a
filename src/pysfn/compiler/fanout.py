"""Front end of fan-out: ``PSF.map(fn, items)`` and ``[fn(x) for x in items if ...]`` -> a Map.

A mixin of FunctionCompiler (like ChangeCompiler): each item becomes one iteration of an
inline Map state whose processor calls the callee once. The items are computed once before
the Map (Python evaluates the iterable once too); an ``if`` filter of a comprehension is
applied to the items, so filtered-out items cost no Lambda call.
"""

from __future__ import annotations

import ast

from pysfn.compiler import ir


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
        return (isinstance(node, ast.ListComp) and len(node.generators) == 1
                and not node.generators[0].is_async and isinstance(node.generators[0].target, ast.Name)
                and isinstance(node.elt, ast.Call) and self.callee_of(node.elt.func) is not None)

    def fanout(self, node: ast.ListComp) -> ir.MapCall:
        gen = node.generators[0]
        return self.map_of(node, node.elt, gen.target.id, gen.iter, gen.ifs, 0)

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
               concurrency: int, mode: str = "INLINE") -> ir.MapCall:
        before: list[ir.Stmt] = []
        iteration = self.iteration(items, before)
        if before or iteration.kind not in ("values", "range"):
            raise self.rep.error(items, "these items cannot feed a Map state",
                                 "store them in a variable first: items = ...; [f(x) for x in items]")
        var = self.scope.hidden("item")
        saved = self.scope.vars.get(name)
        self.scope.vars[name] = var  # the item, a variable of the Map iteration's own scope
        try:
            conditions = tuple(self.condition(c) for c in ifs)
            call = self.callee_call(element, ())
        finally:
            if saved is None:
                del self.scope.vars[name]
            else:
                self.scope.vars[name] = saved
        return ir.MapCall(call, var, iteration, conditions, concurrency, self.loc(node), mode)
