"""Rule: a Succeed reached by one state's ``Next`` ends that state instead.

``x = f(); return {..x..}``: the Task gets the Succeed's ``Output`` and ``End``, one
transition less. Output and Assign of one state both read the values from before the state
ran, so a variable the state assigns is rebound in the Output to the expression assigning it
-- only when that expression is a reference or a literal (no text is repeated).
"""

from __future__ import annotations

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.optimize.machine import (VARIABLE, catches_everything, join_comment, only_predecessor,
                                             predecessors, rebind, small_bindings, strings)


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    counts: dict = {}
    for name in list(states):
        state = states[name]
        if state["Type"] != "Succeed":
            continue
        pred = states.get(only_predecessor(machine, preds, name))
        if pred is None or catches_everything(pred):
            continue
        assigned = pred.get("Assign", {})
        output = state.get("Output", wrap("null"))
        used = {v for s in strings(output) for v in VARIABLE.findall(s) if v in assigned}
        bindings = small_bindings(assigned, used)
        if bindings is None:
            continue
        del pred["Next"]
        pred["Output"] = rebind(output, bindings)
        pred["End"] = True
        join_comment(pred, state, counts)
        del states[name]
