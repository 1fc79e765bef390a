"""Rule: a Succeed reached by states' ``Next`` ends each of those states instead.

``x = f(); return {..x..}``: the Task gets the Succeed's ``Output`` and ``End``, one
transition less. Output and Assign of one state both read the values from before the state
ran, so a variable the state assigns is rebound in the Output to the expression assigning it
-- only when that expression is a reference or a literal (no text is repeated). A Succeed
reached from several states (``return total`` after both branches of an ``if``) is copied
into each that can take it when its Output is small; it stays while a Choice rule (which
cannot End) or another state still leads to it. Not into a state that retries or catches
every error, unless the Output cannot fail (a failing Output there would be caught).
"""

from __future__ import annotations

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.optimize.machine import (SMALL_COPY_BYTES, VARIABLE, catches_everything, is_safe, join_comment,
                                             predecessors, rebind, size, small_bindings, strings)

_ENDING = ("Task", "Parallel", "Pass", "Map", "Wait")


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    counts: dict = {}
    for name in list(states):
        state = states[name]
        if state["Type"] != "Succeed":
            continue
        output = state.get("Output", wrap("null"))
        incoming = list(dict.fromkeys(preds[name]))
        if len(incoming) > 1 and size(output) > SMALL_COPY_BYTES:
            continue
        used = {v for s in strings(output) for v in VARIABLE.findall(s)}
        left = []
        for pred_name, kind in incoming:
            pred = states.get(pred_name)
            if kind != "next" or pred is None or pred["Type"] not in _ENDING or "Output" in pred:
                left.append((pred_name, kind))
                continue
            if "$states" in "".join(strings(output)):
                left.append((pred_name, kind))  # the Succeed's $states.input is the state's output
                continue
            assigned = pred.get("Assign", {})
            bindings = small_bindings(assigned, used & set(assigned))
            folded = None if bindings is None else rebind(output, bindings)
            if folded is None or (catches_everything(pred) and not is_safe(folded)):
                left.append((pred_name, kind))
                continue
            del pred["Next"]
            pred["Output"] = folded
            pred["End"] = True
            join_comment(pred, state, counts)
        if not left:
            del states[name]
        preds[name] = left
