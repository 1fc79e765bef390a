"""Back end of fan-out: an ir.MapCall -> an inline Map state (JSONata mode).

The Map's ``Items`` are the items Python would walk (computed once, filtered by the
comprehension's ``if``); each iteration's input is its item. The processor is a Pass that
assigns the item to the iteration's own variable, then the callee's Task, whose result is
the iteration's output: the Map's result lists them in item order. An iteration can read
the enclosing variables (inline Map scope rules) but writes none; a failing item fails
the Map with that item's error, which the Map's Catch routes like a Task's.
"""

from __future__ import annotations

from pysfn.compiler import ir
from pysfn.compiler.changes import box
from pysfn.compiler.jsonata import T, expression, truthy, wrap
from pysfn.compiler.loops import _range, _unpacked, iterated


def items_expression(call: ir.MapCall) -> str:
    """JSONata for the list of items the Map iterates over."""
    it = call.items
    if it.kind == "range":
        r, i, acc = f"{T}r", f"{T}i", f"{T}acc"
        items = (f"({r} := {_range(it.args)}; {r}.n = 0 ? [] : $reduce([0..{r}.n - 1], "
                 f"function({acc}, {i}) {{ $append({acc}, {r}.start + {i} * {r}.step) }}, []))")
    else:
        items = iterated(expression(it.args[0]))
    if not call.conditions:
        return items
    acc, var = f"{T}acc", "$" + call.item
    keep = " and ".join(truthy(c) for c in call.conditions)
    return (f"$reduce({items}, function({acc}, {var}) {{ ({keep}) ? $append({acc}, {box(var)}) : {acc} }}, [])")


def map_state(lowerer, m, call: ir.MapCall, assign: dict, cont, catchers, machine_class, continue_to) -> str:
    """Build the Map state (called from Lowerer.map's thunk); returns the state dict."""
    sub = machine_class()
    bound = {call.item: wrap("$states.input")}
    if call.unpack:  # for a, b in pairs: the item's parts, checked as Python unpacks them
        bound.update({v: wrap(e) for v, e in zip(call.unpack, _unpacked("$states.input", len(call.unpack)))})
    with lowerer.frames_set(()), lowerer.matched_outside(catchers):  # an iteration is a function of its
        # own (no loop exits cross it); its errors propagate to the Map's Catch
        if call.body:  # statements ending in a Return (compiler/hoisting.py): no enclosing Catch inside
            first = lowerer.block(sub, call.body, lowerer.return_none(sub), ())
        else:
            first = lowerer.task(sub, call.call, {}, None, ())
        bind = lowerer.state(sub, f"Item_L{call.loc.line}", lambda name: {
            "Type": "Pass", "Comment": lowerer.comment(call.loc), "Assign": bound, "Next": first()})
        start = bind()
    config = {"Mode": call.mode}
    if call.mode == "DISTRIBUTED":  # each item a child execution (Standard: the same semantics)
        config["ExecutionType"] = "STANDARD"
    state = {"Type": "Map", "Comment": lowerer.comment(call.loc), "Items": wrap(items_expression(call)),
             "ItemProcessor": {"ProcessorConfig": config, "StartAt": start, "States": sub.states}}
    if call.max_concurrency:
        state["MaxConcurrency"] = call.max_concurrency
    if assign:
        state["Assign"] = assign
    lowerer.with_catch(state, lowerer.catch_field(catchers))
    continue_to(state, cont, "$states.result")
    return state
