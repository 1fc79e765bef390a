"""The ASL optimizer: an ordered list of small rules, one module each.

Transitions are what users pay for, so a rule removes a state entered on some path (or
shortens an expression) without changing what any path computes. Each rule is a function of
one machine (the top level or a Parallel branch), changing it in place; ``optimise`` applies
the rules in the order of ``RULES`` to every machine. Each rule has a fixture test
(tests/optimize/fixtures/<rule>.json: input ASL -> expected ASL); the differential suite runs
every workflow through all of them.
"""

from __future__ import annotations

from pysfn.compiler.optimize import (choice_chain, dead_stores, fold_assignment, fold_into_choice, fold_return,
                                     input_check, item_binding, return_template, while_true)
from pysfn.compiler.optimize.machine import each_machine

RULES = [
    while_true.rule,
    dead_stores.rule,
    item_binding.rule,
    fold_assignment.rule,
    fold_into_choice.rule,
    fold_return.rule,
    return_template.rule,
    input_check.rule,
    choice_chain.rule,
    # Again: merged Choices leave a Pass (a loop's set-up after a `break` and after the loop's
    # end, say) reached from one Choice where there were several states, which it now joins.
    fold_into_choice.rule,
    choice_chain.rule,
]


# Rules that read the whole definition at once (which variables are read anywhere).
WHOLE_DEFINITION = {dead_stores.rule}


def optimise(definition: dict, rules=None) -> dict:
    for rule in RULES if rules is None else rules:
        if rule in WHOLE_DEFINITION:
            rule(definition)
        else:
            each_machine(definition, rule)
    return definition
