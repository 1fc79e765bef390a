"""Rule: a variable that nothing reads is not assigned (and a Pass left empty goes).

A name assigned in some ``Assign`` and never read as ``$name`` anywhere in the definition
(every machine, Parallel branches and Map processors included, since they read outer
variables) is a dead store: ``r = f(x)`` whose ``r`` is never used, an ``except E as e``
whose ``e`` is not. It is dropped only when its value cannot fail (a literal, a reference,
the Task's result): dropping a failing expression would drop its error. A Pass with nothing
left to do (no Assign, no Output) is then bypassed: its predecessors go to its ``Next``.
"""

from __future__ import annotations

from pysfn.compiler.optimize.machine import VARIABLE, bypass, is_safe, predecessors, strings


def _assign_dicts(value):
    """Every ``Assign`` dict in a definition (states, rules, catchers), nested machines too."""
    if isinstance(value, dict):
        for key, v in value.items():
            if key == "Assign" and isinstance(v, dict):
                yield v
            yield from _assign_dicts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _assign_dicts(v)


def rule(machine: dict, definition: dict | None = None) -> None:
    """Runs on the whole definition once (``RULES`` calls it on the top level)."""
    whole = definition or machine
    read = {v for s in strings(whole) if isinstance(s, str) and "{%" in s for v in VARIABLE.findall(s)}
    for assign in _assign_dicts(whole):
        for name in [n for n, value in assign.items() if n not in read and is_safe(value)]:
            del assign[name]
    _bypass_empty_passes(whole)


def _bypass_empty_passes(machine: dict) -> None:
    for state in machine["States"].values():
        for inner in state.get("Branches", []) + [state[k] for k in ("ItemProcessor", "Iterator") if k in state]:
            _bypass_empty_passes(inner)
    states = machine["States"]
    preds = predecessors(machine)
    for name in list(states):
        state = states[name]
        if state["Type"] != "Pass" or set(state) - {"Type", "Comment", "Next", "Assign"} or state.get("Assign") \
                or "Next" not in state or state["Next"] == name:
            continue
        target = state["Next"]
        bypass(machine, preds, name, target)
