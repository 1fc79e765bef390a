"""Rule: a Pass that only binds ``$states.input`` (a Map iteration's item) joins the state after it.

Each Map iteration starts with ``Item: {item: $states.input}`` and then, say, the Task that
calls ``f(item)``: one transition per item for a binding. A Pass without Output passes its
input on, so the next state's ``$states.input`` is the same value: the next state reads the
variable rebound to ``$states.input`` and, when some other state reads it too, assigns it
itself (its Assign reads the same ``$states.input``). Only when:

* the Pass's Assign values are references to ``$states.input`` (or literals) and the Pass is
  the only way into the next state;
* the next state has no Catch (a catcher after a failure would not see the variable) and is
  a Task, Pass or Wait (the branches of a Parallel or a Map would read the variable before the
  state's own Assign gives it).
"""

from __future__ import annotations

from pysfn.compiler.optimize.folding import PLAIN_PASS
from pysfn.compiler.optimize.machine import (VARIABLE, bypass, expression_text, join_comment, predecessors, rebind,
                                             strings)

_TARGETS = ("Task", "Pass", "Wait")  # (a Parallel's branches or a Map's iterations would read it first)
_KEEP = ("Type", "Next", "End", "Comment", "Resource", "Retry", "Catch", "ItemProcessor", "Branches",
         "Iterator", "ProcessorConfig")


def _binds_input(assign: dict) -> bool:
    return bool(assign) and all(
        expression_text(v) == "$states.input" or not (isinstance(v, str) and v.startswith("{%"))
        and not isinstance(v, (list, dict)) for v in assign.values())


def _reads(states: dict, names: set[str], but: str) -> set[str]:
    """The names of ``names`` some state other than ``but`` mentions, nested machines included."""
    found = set()
    for other, state in states.items():
        if other == but:
            continue
        found |= {v for s in strings(state) if s.startswith("{%") for v in VARIABLE.findall(s)} & names
    return found


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    for name in list(states):
        state = states.get(name)
        if state is None or state["Type"] != "Pass" or set(state) - PLAIN_PASS or "Next" not in state:
            continue
        assign = state.get("Assign", {})
        nxt = states.get(state["Next"])
        if not _binds_input(assign) or nxt is None or nxt["Type"] not in _TARGETS or "Catch" in nxt \
                or preds[state["Next"]] != [(name, "next")] or state["Next"] == name:
            continue
        bindings = {v: "$states.input" if expression_text(value) == "$states.input" else
                    __import__("json").dumps(value, ensure_ascii=False) for v, value in assign.items()}
        for key in [k for k in nxt if k not in _KEEP and k != "Assign"]:
            nxt[key] = rebind(nxt[key], bindings)
        own = nxt.get("Assign", {})
        rebound = rebind(own, bindings)
        still_read = _reads(states, set(assign), state["Next"]) - {name}
        nxt["Assign"] = {**{v: assign[v] for v in sorted(still_read) if v not in own}, **rebound}
        if not nxt["Assign"]:
            del nxt["Assign"]
        join_comment(nxt, state, {})
        bypass(machine, preds, name, state["Next"])
