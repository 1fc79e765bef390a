"""Rule: a Pass that only assigns joins the Task, Parallel or Pass before it.

``s = f(x); y = s["k"]``: the Task assigns ``y`` too, one state less on the path. The Pass
must be reached only by that state's ``Next``. Its expressions read the values from before
the Pass, so a variable the predecessor assigns is rebound to the predecessor's expression
(``($s := $states.result.Payload; ...)``) -- only when that expression is a reference or a
literal: copying a computation into another expression would repeat its text, and a chain
``v2 = v1 + 1; v3 = v2 + 1`` would grow with its square. Then the Pass stays.

Not done when the predecessor retries or catches every error (an expression failing there
would be caught or retried, which it is not in a Pass of its own) or has an Output.
Linear: each Pass is looked at once, the predecessor's Assign is updated in place.
"""

from __future__ import annotations

from pysfn.compiler.optimize.machine import (VARIABLE, catches_everything, join_comment, only_predecessor,
                                             predecessors, rebind, small_bindings, strings)

_PLAIN_PASS = {"Type", "Comment", "Assign", "Next"}


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    counts: dict = {}
    for name in list(states):
        state = states.get(name)
        if state is None or state["Type"] != "Pass" or set(state) - _PLAIN_PASS:
            continue
        pred_name = only_predecessor(machine, preds, name)
        pred = states.get(pred_name)
        if pred is None or catches_everything(pred) or "Output" in pred:
            continue
        assigned = pred.setdefault("Assign", {})
        used = {v for s in strings(state.get("Assign", {})) for v in VARIABLE.findall(s) if v in assigned}
        bindings = small_bindings(assigned, used)
        if bindings is None:
            continue
        # (update keeps the position of a key assigned again, as {**old, **new} does)
        assigned.update(rebind(state.get("Assign", {}), bindings))
        if not assigned:
            del pred["Assign"]
        pred["Next"] = state["Next"]
        join_comment(pred, state, counts)
        del states[name]
        successor = preds[state["Next"]]
        successor[successor.index((name, "next"))] = (pred_name, "next")
