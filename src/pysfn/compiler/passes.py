"""Optimisation passes over the generated ASL: small functions, each keeping semantics.

Transitions are what users pay for, so a pass removes a state entered on some path
without changing what any path computes. Each pass works on one state machine (the top
level or a Parallel branch) and ``optimise`` applies it everywhere.
"""

from __future__ import annotations

import re

from pysfn.compiler.jsonata import wrap

_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_EXPRESSION = re.compile(r"^\{%(.*)%\}$", re.DOTALL)


def optimise(definition: dict) -> dict:
    _each_machine(definition, fold_assignment_into_predecessor)
    _each_machine(definition, fold_return_into_predecessor)
    return definition


def _each_machine(machine: dict, rule) -> None:
    rule(machine)
    for state in machine["States"].values():
        for branch in state.get("Branches", []):
            _each_machine(branch, rule)


def predecessors(machine: dict) -> dict[str, list[tuple[str, str]]]:
    """For each state, the (state, edge kind) pairs that lead to it."""
    preds: dict[str, list[tuple[str, str]]] = {name: [] for name in machine["States"]}
    preds[machine["StartAt"]].append(("", "start"))
    for name, state in machine["States"].items():
        edges = [(state.get("Next"), "next"), (state.get("Default"), "choice")]
        edges += [(rule["Next"], "choice") for rule in state.get("Choices", [])]
        edges += [(rule["Next"], "catch") for rule in state.get("Catch", [])]
        for target, kind in edges:
            if target is not None:
                preds[target].append((name, kind))
    return preds


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _rebind(value, bindings: dict[str, str]):
    """Evaluate ``value``'s expressions with variables rebound: ``($x := expr; ...)``."""
    if isinstance(value, str):
        match = _EXPRESSION.match(value)
        if not match:
            return value
        used = {v for v in _VARIABLE.findall(match.group(1)) if v in bindings}
        if not used:
            return value
        prefix = "".join(f"${v} := ({bindings[v]}); " for v in sorted(used))
        return wrap(f"({prefix}{match.group(1).strip()})")
    if isinstance(value, list):
        return [_rebind(v, bindings) for v in value]
    if isinstance(value, dict):
        return {k: _rebind(v, bindings) for k, v in value.items()}
    return value


def _catches_everything(state: dict) -> bool:
    rules = state.get("Retry", []) + state.get("Catch", [])
    return any("States.ALL" in r["ErrorEquals"] or "States.QueryEvaluationError" in r["ErrorEquals"]
               for r in rules)


def _expression_bindings(assign: dict, names: set[str]) -> dict[str, str] | None:
    """The JSONata expressions that assign ``names``, or None if one is not a plain expression."""
    bindings = {}
    for v in names:
        match = _EXPRESSION.match(assign[v]) if isinstance(assign[v], str) else None
        if match is None:
            return None
        bindings[v] = match.group(1).strip()
    return bindings


def _only_predecessor(machine: dict, preds, name: str) -> str | None:
    """The Task, Parallel or Pass that alone leads to ``name``, by its ``Next``, if there is one."""
    if len(preds[name]) != 1:
        return None
    pred_name, kind = preds[name][0]
    pred = machine["States"].get(pred_name)
    if kind != "next" or pred is None or pred["Type"] not in ("Task", "Parallel", "Pass"):
        return None
    return pred_name


def fold_assignment_into_predecessor(machine: dict) -> None:
    """``s = f(x); y = s["k"]``: the Task assigns ``y`` too, no Pass state.

    A Pass that only assigns, reached only by the ``Next`` of a Task, Parallel or Pass, is
    merged into that state's ``Assign``, its expressions rebound to the values that state
    assigns. Not done when the state retries or catches everything: an expression failing
    there would be caught or retried, which it is not in a Pass of its own.
    """
    states = machine["States"]
    preds = predecessors(machine)
    for name in list(states):
        state = states.get(name)
        if state is None or state["Type"] != "Pass" or set(state) - {"Type", "Comment", "Assign", "Next"}:
            continue
        pred_name = _only_predecessor(machine, preds, name)
        pred = states.get(pred_name)
        if pred is None or _catches_everything(pred) or "Output" in pred:
            continue
        assigned = pred.get("Assign", {})
        used = {v for s in _strings(state["Assign"]) for v in _VARIABLE.findall(s)} & set(assigned)
        bindings = _expression_bindings(assigned, used)
        if bindings is None:
            continue
        pred["Assign"] = {**assigned, **_rebind(state["Assign"], bindings)}
        pred["Next"] = state["Next"]
        if state.get("Comment"):
            pred["Comment"] = _then(pred.get("Comment", ""), state["Comment"])
        del states[name]
        successor = preds[state["Next"]]
        successor[successor.index((name, "next"))] = (pred_name, "next")


def fold_return_into_predecessor(machine: dict) -> None:
    """``x = f(); return {..x..}``: the Task ends the machine with that Output itself.

    A Succeed reached only by the ``Next`` of a Task, Parallel or Pass is folded into
    it: that state gets the Succeed's ``Output`` and ``End``. Output and Assign of one
    state both read the values from before the state ran, so a variable the state
    assigns is replaced in the Output by the expression that assigns it.
    """
    states = machine["States"]
    preds = predecessors(machine)
    for name in list(states):
        state = states[name]
        if state["Type"] != "Succeed":
            continue
        pred = states.get(_only_predecessor(machine, preds, name))
        if pred is None or _catches_everything(pred):
            continue
        assigned = pred.get("Assign", {})
        output = state.get("Output", wrap("null"))
        used = {v for s in _strings(output) for v in _VARIABLE.findall(s)} & set(assigned)
        bindings = _expression_bindings(assigned, used)
        if bindings is None:
            continue
        del pred["Next"]
        pred["Output"] = _rebind(output, bindings)
        pred["End"] = True
        if state.get("Comment"):
            pred["Comment"] = _then(pred.get("Comment", ""), state["Comment"])
        del states[name]


def _then(first: str, second: str) -> str:
    """The Comment of a state that absorbed another: ``file:line code; then code``, where the
    code of the absorbed state is left out when it is the same line's (no ``x = f(); then x = f()``)."""
    parts = first.split("; then ")
    code = second.split(" ", 1)[-1]
    same = code == parts[-1] or (len(parts) == 1 and first.split(" ", 1)[-1] == code)
    return first if same else f"{first}; then {code}"
