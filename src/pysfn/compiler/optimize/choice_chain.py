"""Rule: a Choice whose way out (or one of its rules) leads to another Choice is one Choice.

``if a: ...`` followed by ``if b: ...`` on the Default path (or the input check, then a first
``if``): the second Choice's rules are appended to the first's, so one transition decides
both. Rules are tried in order, so the second Choice's rules are reached exactly when none of
the first's matched. The path to the second Choice may assign (a last rule ``true`` with an
Assign, as ``fold_into_choice`` and ``input_check`` make): its values are then rebound in the
second Choice's conditions (``$n := ...``) and assigned by each of its rules too -- only when
each is short or a plain JSON value, since it is repeated.

The second Choice may be reached from elsewhere too (a loop's test, after the body's last
``if``): it is then copied, when small, and stays for the others. A rule ``c`` (short) that
leads to a Choice becomes the rules ``c ? b : false`` for each of its rules ``b``, then ``c`` to its
Default: the loop Choice that binds an item and the body's first ``if`` decide in one step.
"""

from __future__ import annotations

import json
import re

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.optimize.machine import VARIABLE, expression_text, is_safe, predecessors, rebind, size, strings

MAX_BINDING = 200
MAX_COPY = 4000  # bytes of a Choice copied into another that leads to it (a loop's test, once per loop: linear)


def bindings_of(assign: dict) -> dict[str, str] | None:
    """JSONata text for each assigned value, or None if one is too long to repeat."""
    out = {}
    for name, value in assign.items():
        text = expression_text(value)
        if text is not None:
            if len(text) > MAX_BINDING:
                return None
            out[name] = text
        elif any(s.startswith("{%") for s in strings(value)):
            return None
        else:
            out[name] = json.dumps(value, ensure_ascii=False)
    return out


def _exit(choice: dict) -> tuple[str, dict] | None:
    """The target and Assign of the Choice's way out when no real rule matches."""
    rules = choice["Choices"]
    if "Default" in choice:
        return choice["Default"], {}
    last = rules[-1]
    if expression_text(last["Condition"]) == "true" and set(last) <= {"Condition", "Next", "Assign"}:
        return last["Next"], last.get("Assign", {})
    return None


def merge(machine: dict, name: str, preds) -> bool:
    """Merge the Choice after ``name``'s way out into it; True if done."""
    states = machine["States"]
    choice = states[name]
    way_out = _exit(choice)
    if way_out is None:
        return False
    inner_name, assign = way_out
    if not _mergeable(machine, choice, inner_name, preds, name):
        return False
    inner = states[inner_name]
    alone = _alone(preds, inner_name, name)
    bindings = bindings_of(_read_by(states[inner_name], assign))
    if bindings is None or not _order_kept(inner, assign):
        return False
    rules = []
    for r in inner["Choices"]:
        read = {v for s in strings(r) if s.startswith("{%") for v in VARIABLE.findall(s)}
        used = {v: bindings[v] for v in read if v in bindings}
        merged = {**r, "Condition": rebind(r["Condition"], used)}
        merged["Assign"] = {**assign, **rebind(r.get("Assign", {}), used)}
        if not merged["Assign"]:
            del merged["Assign"]
        rules.append(merged)
    if "Default" in choice:
        del choice["Default"]
    else:
        choice["Choices"].pop()
    choice["Choices"].extend(rules)
    if "Default" in inner:
        if assign:
            choice["Choices"].append({"Condition": wrap("true"), "Next": inner["Default"], "Assign": assign})
        else:
            choice["Default"] = inner["Default"]
    _joined(choice, inner, inner_name, states, preds, name, alone, rules)
    return True


def _mergeable(machine: dict, choice: dict, inner_name: str, preds, name: str) -> bool:
    inner = machine["States"].get(inner_name)
    if inner is None or inner is choice or inner["Type"] != "Choice" or "Assign" in inner or "Output" in inner \
            or any("Output" in r for r in inner["Choices"]) or inner_name == machine["StartAt"]:
        return False
    return _alone(preds, inner_name, name) or size(inner) <= MAX_COPY


def _order_kept(inner: dict, assign: dict) -> bool:
    """Whether the errors come in the same order when ``assign`` moves past ``inner``'s conditions.

    The part of ``assign`` that ``inner`` reads is rebound in its conditions (evaluated first, as
    before); the rest is now evaluated after them, in the matching rule's Assign. If a value of
    that rest can fail and a condition can fail too, the merged Choice could fail with the
    condition's error where the machine failed with the value's: only when one of them cannot."""
    unread = {k: v for k, v in assign.items() if k not in _read_by(inner, assign)}
    return all(_cannot_fail(v) for v in unread.values()) or all(_cannot_fail(r["Condition"]) for r in inner["Choices"])


_LITERAL = r"(\"[^\"\\]{0,40}\"|'[^'\\]{0,40}'|-?\d+(\.\d+)?|true|false|null|\[\]|\{\})"
_PARAMETER = r'\$lookup\(\$states\.input, "[A-Za-z_]\w*"\)'
# What cannot fail beyond ``is_safe``'s references and literals, as the lowering writes it: a
# parameter read from the input (with its literal default), a loop's own counter and its test
# (the counter and ``.n`` are numbers the compiler made), an equality (``=`` never fails).
_CANNOT_FAIL = re.compile(
    rf"^(\$exists\({_PARAMETER}\) \? {_PARAMETER} : {_LITERAL}|{_PARAMETER}"
    r"|\$pysfn__v_index\d+ \+ 1"
    r"|\$pysfn__v_index\d+ < (\$count\(\$pysfn__v_items\d+\)|\$pysfn__v_items\d+\.n)"
    rf"|\(?\$[A-Za-z_]\w* !?= {_LITERAL}\)?)$")


def _cannot_fail(value) -> bool:
    text = expression_text(value)
    return is_safe(value) or (text is not None and _CANNOT_FAIL.match(text) is not None)


def _read_by(inner: dict, assign: dict) -> dict:
    """The part of ``assign`` the Choice ``inner`` reads (only that is rebound, so repeated)."""
    read = {v for s in strings(inner) if s.startswith("{%") for v in VARIABLE.findall(s)}
    return {k: v for k, v in assign.items() if k in read}


def _alone(preds, inner_name: str, name: str) -> bool:
    """Whether one edge of ``name`` is the only way into ``inner_name``."""
    return preds[inner_name] == [(name, "choice")]


def _joined(choice, inner, inner_name, states, preds, name, alone, rules) -> None:
    """Bookkeeping after ``inner``'s rules went into ``choice``: comments, predecessors."""
    if inner.get("Comment") and alone:
        choice["Comment"] = f"{choice.get('Comment', '')}; then {inner['Comment'].split(' ', 1)[-1]}"
    preds[inner_name].remove((name, "choice"))  # the one edge merged; others of name stay
    for target in [r["Next"] for r in rules] + ([inner["Default"]] if "Default" in inner else []):
        if alone and (inner_name, "choice") in preds[target]:
            preds[target].remove((inner_name, "choice"))
        preds[target].append((name, "choice"))
    if alone:
        del states[inner_name]


def merge_rule(machine: dict, name: str, index: int, preds) -> bool:
    """Rule ``index`` of Choice ``name`` leads to a Choice: say that Choice's rules in it."""
    states = machine["States"]
    choice = states[name]
    outer = choice["Choices"][index]
    condition = expression_text(outer["Condition"])
    inner_name = outer["Next"]
    if condition is None or len(condition) > MAX_BINDING or set(outer) - {"Condition", "Next", "Assign"} \
            or not _mergeable(machine, choice, inner_name, preds, name) or "Default" not in states[inner_name]:
        return False
    inner = states[inner_name]
    assign = outer.get("Assign", {})
    bindings = bindings_of(_read_by(inner, assign))
    if bindings is None or not _order_kept(inner, assign):
        return False
    alone = _alone(preds, inner_name, name)
    rules = []
    for r in inner["Choices"]:
        read = {v for s in strings(r) if s.startswith("{%") for v in VARIABLE.findall(s)}
        used = {v: bindings[v] for v in read if v in bindings}
        inner_condition = expression_text(rebind(r["Condition"], used))
        # (`c ? b : false`: b is evaluated only where c holds, as it was in the second Choice)
        merged = {**r, "Condition": wrap(f"({condition}) ? ({inner_condition}) : false")}
        merged["Assign"] = {**assign, **rebind(r.get("Assign", {}), used)}
        if not merged["Assign"]:
            del merged["Assign"]
        rules.append(merged)
    choice["Choices"][index:index + 1] = rules + [{**outer, "Next": inner["Default"]}]
    _joined(choice, inner, inner_name, states, preds, name, alone, rules)  # (adds the Default's edge)
    return True


def rule(machine: dict) -> None:
    preds = predecessors(machine)
    for name in list(machine["States"]):
        state = machine["States"].get(name)
        if state is None or state["Type"] != "Choice" or "Assign" in state or "Output" in state:
            continue
        for _ in range(8):  # a few levels; each merge is checked again from the start
            if not (merge(machine, name, preds) or any(merge_rule(machine, name, i, preds)
                                                       for i in range(len(state["Choices"])))):
                break
