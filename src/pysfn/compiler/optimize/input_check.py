"""Rule: the input check (the first Choice, ``Arguments``) and a first ``if`` are one Choice.

The check is the contract: its one rule tests the execution input and assigns the
parameters, its Default is the Fail ``Bad_arguments``. When the state after it is a Choice
reached from nowhere else, one Choice does both, one transition less on every execution:

    1. not the check  -> Bad_arguments (its Cause reads the same ``$states.input``)
    2. ``true``, assigning the parameters -> the ``if``

and then ``choice_chain.merge`` makes the ``if``'s rules the rules after the first (each
condition reading the parameters rebound, ``$n := $lookup($states.input, "n")``). Nothing
changes when the merge is not possible (a parameter's expression too long to repeat, ...).
"""

from __future__ import annotations

import copy

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.optimize import choice_chain
from pysfn.compiler.optimize.machine import expression_text, predecessors


def rule(machine: dict) -> None:
    states = machine["States"]
    name = machine["StartAt"]
    first = states.get(name)
    if first is None or first["Type"] != "Choice" or len(first.get("Choices", [])) != 1 \
            or "Assign" in first or "Output" in first or "Default" not in first:
        return
    check = first["Choices"][0]
    condition = expression_text(check["Condition"])
    if condition is None or set(check) - {"Condition", "Next", "Assign"} \
            or states.get(check["Next"], {}).get("Type") != "Choice":
        return
    before = copy.deepcopy(first)
    rules = [{"Condition": wrap(f"$not({condition})"), "Next": first.pop("Default")},
             {**check, "Condition": wrap("true")}]
    first["Choices"] = rules
    if not choice_chain.merge(machine, name, predecessors(machine)):
        states[name] = before
