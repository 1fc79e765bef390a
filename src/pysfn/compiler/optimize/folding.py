"""Folding a Pass that only assigns into the places that lead to it (shared by two rules).

A *slot* is something with its own ``Assign`` and ``Next`` that leads to the Pass: a state's
``Next`` (Task, Parallel, Map, Wait, Pass), a Choice rule, or a Catch. Folding merges the
Pass's Assign into the slot's and points the slot past the Pass: one transition less on that
path. What makes it exact:

* Every Assign of a state reads the values from before the state, so a variable the slot
  itself assigns is rebound in the Pass's expressions to the slot's expression -- only when
  that expression is a reference or a literal (``small_bindings``): no text is repeated.
* The Pass must not read ``$states``: its input is its predecessor's output, which in the
  slot would be another value (the Task's result, the error output).
* A failing expression in a Pass is never caught. In a state that retries or catches every
  error, and in a Catch, it could be: there only expressions that cannot fail are folded.
* A Pass with several predecessors is copied into each (when it is small); it stays, for
  the ones that cannot take it, while any is left.
"""

from __future__ import annotations

from pysfn.compiler.optimize.machine import (SMALL_COPY_BYTES, VARIABLE, catches_everything, is_safe,
                                             join_comment, predecessors, reads_states, rebind, size,
                                             small_bindings, strings)

PLAIN_PASS = {"Type", "Comment", "Assign", "Next"}
NEXT_TYPES = ("Task", "Parallel", "Map", "Wait", "Pass")


def _slots(states: dict, pred_name: str, kind: str, target: str, allow_next: bool, allow_rules: bool):
    """(holder, owner state, must be safe) for each edge of ``pred_name`` of ``kind`` to ``target``.
    ``holder`` is the dict whose Assign/Next change."""
    pred = states.get(pred_name)
    if pred is None:
        return None
    if kind == "next":
        if not allow_next or pred["Type"] not in NEXT_TYPES:
            return None
        return [(pred, pred, catches_everything(pred))]
    if not allow_rules:
        return None
    if kind == "choice":
        if pred["Type"] != "Choice" or "Assign" in pred or "Output" in pred:
            return None
        if pred.get("Default") == target:
            # the Default cannot Assign on its own (a Choice's state-level Assign is only the
            # Default's on AWS, but not in every interpreter): say it as a last rule `true`
            pred["Choices"].append({"Condition": "{% true %}", "Next": pred.pop("Default")})
        return [(rule, pred, False) for rule in pred["Choices"] if rule["Next"] == target]
    if kind == "catch":
        return [(rule, pred, True) for rule in pred.get("Catch", []) if rule["Next"] == target]
    return None


def fold_passes(machine: dict, allow_next: bool, allow_rules: bool) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    counts: dict = {}
    for name in list(states):
        state = states.get(name)
        if state is None or state["Type"] != "Pass" or set(state) - PLAIN_PASS or "Next" not in state:
            continue
        assign = state.get("Assign", {})
        if reads_states(assign) or state["Next"] == name:
            continue
        incoming = list(dict.fromkeys(preds[name]))  # (an edge listed once per rule: handled together)
        if len(incoming) > 1 and size(assign) > SMALL_COPY_BYTES:
            continue
        read = {v for s in strings(assign) if s.startswith("{%") for v in VARIABLE.findall(s)}
        for pred_name, kind in incoming:
            slots = _slots(states, pred_name, kind, name, allow_next, allow_rules)
            if not slots:
                continue
            done = []
            for holder, owner, must_be_safe in slots:
                assigned = holder.get("Assign", {})
                bindings = small_bindings(assigned, read & set(assigned))
                if bindings is None:
                    continue
                folded = rebind(assign, bindings)
                if must_be_safe and not is_safe(folded):
                    continue
                holder.setdefault("Assign", {}).update(folded)  # (keeps a reassigned key's place)
                if not holder["Assign"]:
                    del holder["Assign"]
                holder["Next"] = state["Next"]
                if holder is owner:
                    join_comment(owner, state, counts)
                done.append(holder)
            if not done:
                continue
            if name not in _targets(states[pred_name], kind):
                preds[name] = [p for p in preds[name] if p != (pred_name, kind)]
            preds[state["Next"]].append((pred_name, kind))
        if not preds[name]:
            del states[name]
            successor = preds[state["Next"]]
            while (name, "next") in successor:
                successor.remove((name, "next"))


def _targets(state: dict, kind: str) -> set[str]:
    """The states ``state``'s edges of ``kind`` lead to."""
    if kind == "next":
        return {state["Next"]} if state.get("Next") else set()
    if kind == "choice":
        return {r["Next"] for r in state.get("Choices", [])} | ({state["Default"]} if state.get("Default") else set())
    return {r["Next"] for r in state.get("Catch", [])}
