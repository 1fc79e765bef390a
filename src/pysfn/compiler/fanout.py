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
        concurrency = 0
        for k in node.keywords:
            if k.arg == "max_concurrency":
                value = k.value.value if isinstance(k.value, ast.Constant) else None
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise self.rep.error(k.value, "max_concurrency must be a constant integer >= 0",
                                         "0 means no limit; Step Functions needs it in the definition")
                concurrency = value
            elif k.arg == "mode":
                if not (isinstance(k.value, ast.Constant) and k.value.value == "inline"):
                    raise self.rep.error(k.value, "only mode='inline' is supported yet",
                                         "leave mode out: the Map runs its iterations inline")
            else:
                raise self.rep.error(k.value if k.arg else node, f"PSF.map got an unexpected keyword "
                                     f"argument '{k.arg}'", usage)
        if self.callee_of(fn) is None:
            raise self.rep.error(fn, f"'{ast.unparse(fn)}' is not a callee of this workflow",
                                 "PSF.map calls a function defined at the top level of this module "
                                 "(or of a local module it imports) once per item")
        item = ast.copy_location(ast.Name("_pysfn_item", ast.Load()), node)
        element = ast.copy_location(ast.Call(func=fn, args=[item], keywords=[]), node)
        return self.map_of(node, element, item.id, items, [], concurrency)

    def map_of(self, node, element: ast.Call, name: str, items: ast.expr, ifs: list[ast.expr],
               concurrency: int) -> ir.MapCall:
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
        return ir.MapCall(call, var, iteration, conditions, concurrency, self.loc(node))
