"""Rule: a Choice whose first rule is ``true`` (``while True:``) is no state at all.

Its first rule always matches, so every edge into it can go to that rule's target directly,
one transition less per iteration; its other rules and Default are unreachable. Only when the
rule assigns nothing (its Assign would need a state) and the Choice has no Assign or Output.
"""

from __future__ import annotations

from pysfn.compiler.optimize.machine import bypass, expression_text, predecessors


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    for name in list(states):
        state = states.get(name)
        if state is None or state["Type"] != "Choice" or "Assign" in state or "Output" in state:
            continue
        first = state["Choices"][0]
        if expression_text(first["Condition"]) != "true" or set(first) - {"Condition", "Next"} \
                or first["Next"] == name:
            continue
        target = first["Next"]
        bypass(machine, preds, name, target)
        _drop_unreachable(machine)
        preds = predecessors(machine)


def _drop_unreachable(machine: dict) -> None:
    """States no edge reaches any more (what only the removed Choice led to)."""
    states = machine["States"]
    while True:
        preds = predecessors(machine)
        dead = [n for n, p in preds.items() if not p]
        if not dead:
            return
        for n in dead:
            del states[n]
