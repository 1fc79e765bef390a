"""What the optimizer's rules share: the graph of one state machine and JSONata text helpers.

A *machine* is the top level of a definition or one Parallel branch (they have their own
``States``). Rules work on one machine at a time and keep every path's result the same.
"""

from __future__ import annotations

import re

from pysfn.compiler.jsonata import wrap

VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
EXPRESSION = re.compile(r"^\{%(.*)%\}$", re.DOTALL)
# An expression that is only a reference (``$x``, ``$states.result.Payload``, a parameter's
# ``$lookup($states.input, "name")``) or a small JSON
# literal: binding it again inside another expression does not repeat any computation's text.
_SMALL = re.compile(r"^(\$[A-Za-z_]\w*(\.[A-Za-z_]\w*)*|\$lookup\(\$states\.input, \"[A-Za-z_]\w{0,60}\"\)|-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null"
                    r"|\"[^\"\\]{0,40}\"|'[^'\\]{0,40}'|\[\]|\{\})$")
# Or a short index or arithmetic of references (``$xs[$i]``, ``$r.start + $i * $r.step``): no
# function call, no block, bounded in length -- repeating it once reads as the reference it is,
# and a fold that used it is no longer one (it holds ``:=``), so it cannot compound.
_REFERENCE_ARITHMETIC = re.compile(r"^[$\w.\[\]\s+\-*()]{1,80}$")
# An expression that cannot fail where it is evaluated: a literal, a variable, or one of the
# ``$states`` values every state has. Folding it into a state that catches every error cannot
# turn an uncatchable failure into a caught one.
_SAFE = re.compile(r"^(\$(?!states\b)[A-Za-z_]\w*|\$states\.(input|result|result\.Payload|errorOutput)"
                   r"|-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null|\"[^\"\\]{0,40}\"|'[^'\\]{0,40}'|\[\]|\{\})$")
# Copying a Pass (or a Succeed's Output) into several predecessors repeats it: only when it is
# this small, not counting the number helpers' definitions (``$pysfn__num := function...``, the
# same boilerplate in every expression that converts numbers).
SMALL_COPY_BYTES = 400
# Only this many source lines are listed in the Comment of a state others were folded into.
COMMENT_PARTS = 4


def each_machine(machine: dict, rule) -> None:
    """Apply ``rule`` to ``machine`` and to every Parallel branch and Map processor inside it."""
    rule(machine)
    for state in list(machine["States"].values()):
        for branch in state.get("Branches", []) + [state[k] for k in ("ItemProcessor", "Iterator") if k in state]:
            each_machine(branch, rule)


def edges(state: dict) -> list[tuple[str, str]]:
    """(target, kind) of every transition out of ``state``; kind is next, choice or catch."""
    out = [(state["Next"], "next")] if state.get("Next") is not None else []
    out += [(rule["Next"], "choice") for rule in state.get("Choices", [])]
    if state.get("Default") is not None:
        out.append((state["Default"], "choice"))
    out += [(rule["Next"], "catch") for rule in state.get("Catch", [])]
    return out


def predecessors(machine: dict) -> dict[str, list[tuple[str, str]]]:
    """For each state, the (state, edge kind) pairs that lead to it ("" and start for StartAt)."""
    preds: dict[str, list[tuple[str, str]]] = {name: [] for name in machine["States"]}
    preds[machine["StartAt"]].append(("", "start"))
    for name, state in machine["States"].items():
        for target, kind in edges(state):
            preds[target].append((name, kind))
    return preds


def bypass(machine: dict, preds: dict, name: str, target: str) -> None:
    """Remove the state ``name``: every edge into it (StartAt, a Next, a Choice rule's or a
    Catch's Next, a Default) goes to ``target`` instead; ``preds`` is kept up to date."""
    states = machine["States"]
    for pred_name, kind in preds[name]:
        if kind == "start":
            machine["StartAt"] = target
            continue
        holder = states[pred_name]
        for d in [holder] + holder.get("Choices", []) + holder.get("Catch", []):
            if d.get("Next") == name:
                d["Next"] = target
        if holder.get("Default") == name:
            holder["Default"] = target
    preds[target] = [p for p in preds[target] if p[0] != name] + preds[name]
    del states[name]


def strings(value):
    """Every string inside a JSON template."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def variables_read(value) -> set[str]:
    """The variable names a JSON template's expressions mention (``$states`` included)."""
    return {v for s in strings(value) if s.startswith("{%") for v in VARIABLE.findall(s)}


def rebind(value, bindings: dict[str, str]):
    """Evaluate ``value``'s expressions with variables rebound: ``($x := expr; ...)``."""
    if isinstance(value, str):
        match = EXPRESSION.match(value)
        if not match:
            return value
        used = {v for v in VARIABLE.findall(match.group(1)) if v in bindings}
        if not used:
            return value
        whole = match.group(1).strip()
        if whole[:1] == "$" and whole[1:] in bindings:  # only the variable: its expression itself
            return wrap(bindings[whole[1:]])
        prefix = "".join(f"${v} := ({bindings[v]}); " for v in sorted(used))
        return wrap(f"({_helper_definitions(prefix)}{prefix}{whole})")
    if isinstance(value, list):
        return [rebind(v, bindings) for v in value]
    if isinstance(value, dict):
        return {k: rebind(v, bindings) for k, v in value.items()}
    return value


def _helper_definitions(text: str) -> str:
    """The definitions of the number helpers (``$pysfn__num``...) ``text`` calls: a rebinding is
    evaluated before the expression's own definitions, so it needs its own."""
    from pysfn.compiler.numbers import with_helpers
    with_defs = with_helpers(text)
    return "" if with_defs == text else with_defs[1:len(with_defs) - len(text) - 1]


def catches_everything(state: dict) -> bool:
    """A Retry or Catch that would also catch an expression's failure in this state."""
    rules = state.get("Retry", []) + state.get("Catch", [])
    return any("States.ALL" in r["ErrorEquals"] or "States.QueryEvaluationError" in r["ErrorEquals"]
               for r in rules)


def small_bindings(assign: dict, names) -> dict[str, str] | None:
    """The expressions assigning ``names`` if each is small enough to repeat (a reference or a
    literal), else None: folding must never copy a computation into another expression, or a
    chain ``v2 = v1 + 1; v3 = v2 + 1; ...`` grows with its square."""
    import json
    bindings = {}
    for v in names:
        value = assign[v]
        text = expression_text(value)
        if text is None and not any(s.startswith("{%") for s in strings(value)):
            text = json.dumps(value, ensure_ascii=False)  # plain JSON is a JSONata literal
        if text is None or not (_SMALL.match(text) or _REFERENCE_ARITHMETIC.match(text) and "$" in text
                                and not re.search(r"\$\w*\(", text)):
            return None
        bindings[v] = text
    return bindings


def expression_text(value) -> str | None:
    """The JSONata inside ``{% ... %}``, or None when ``value`` is not one expression."""
    match = EXPRESSION.match(value) if isinstance(value, str) else None
    return match.group(1).strip() if match else None


# The execution output's decoding of a value (numbers.output, its helpers aside): a walk over
# a JSON value that cannot fail, so safe when the value is.
_DECODED_OUTPUT = re.compile(r"^\(\$pysfn__ov := (.+?); \$contains\(\$string\(\$pysfn__ov\), '\"\$float\"'\) "
                             r"\? \$pysfn__out\(\$pysfn__ov\) : \$pysfn__ov\)$", re.DOTALL)


def without_helpers(text: str) -> str:
    """``text`` without the number helpers' definitions (and the block that only held them)."""
    from pysfn.compiler.numbers import HELPERS, H
    stripped = text
    for name, (body, _) in HELPERS.items():
        stripped = stripped.replace(f"{H}{name} := {body}; ", "")
    if stripped != text and stripped.startswith("(") and stripped.endswith(")"):
        stripped = stripped[1:-1]
    return stripped


def is_safe(value) -> bool:
    """A template that cannot fail: JSON without expressions, or only safe expressions."""
    if isinstance(value, list):
        return all(is_safe(v) for v in value)
    if isinstance(value, dict):
        return all(is_safe(v) for v in value.values())
    if not isinstance(value, str):
        return True
    text = expression_text(value)
    if text is None:
        return not value.startswith("{%")
    text = without_helpers(text)
    while True:  # rebindings (``$x := ($states.result.Payload); ...``) of safe values
        match = _SAFE_BINDING.match(_unwrapped(text))
        if match is None or not _SAFE.match(match.group(1).strip()):
            break
        text = match.group(2)
    decoded = _DECODED_OUTPUT.match("(" + _unwrapped(text) + ")")
    return bool(_SAFE.match(decoded.group(1) if decoded else text))


def _unwrapped(text: str) -> str:
    """``text`` without parentheses around all of it (a string with a parenthesis in it is left
    as it is: then nothing matches, which only makes a fold less likely)."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and i < len(text) - 1:
                return text
        text = text[1:-1]
    return text


_SAFE_BINDING = re.compile(r"^\$\w+ := \(([^()]*)\); (.*)$", re.DOTALL)


def reads_states(value) -> bool:
    """Whether a template reads ``$states`` (the state's input, result, context...)."""
    return any("$states" in s for s in strings(value) if s.startswith("{%"))


def size(value) -> int:
    """Compact JSON bytes of ``value`` without the number helpers' definitions."""
    import json
    return len(json.dumps([without_helpers(s) if isinstance(s, str) else s for s in _leaves(value)],
                          separators=(",", ":"), ensure_ascii=False))


def _leaves(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def only_predecessor(machine: dict, preds, name: str, types=("Task", "Parallel", "Pass")) -> str | None:
    """The state that alone leads to ``name``, by its ``Next``, if it is one of ``types``."""
    if len(preds[name]) != 1:
        return None
    pred_name, kind = preds[name][0]
    pred = machine["States"].get(pred_name)
    if kind != "next" or pred is None or pred["Type"] not in types:
        return None
    return pred_name


def join_comment(into: dict, folded: dict, counts: dict) -> None:
    """Add ``folded``'s source line to ``into``'s Comment (``file:line code; then code``), listing
    at most COMMENT_PARTS lines and then how many more, so a long fold keeps a short Comment.
    ``counts`` is the rule's own memo (one per run of a rule), keyed by the state's identity."""
    comment = folded.get("Comment")
    if not comment:
        return
    if into.get("Comment", "").split(" ", 1)[0] == comment.split(" ", 1)[0]:
        return  # the same source line (a comprehension's Map item and its call)
    seen = counts.setdefault(id(into), [1, None])
    seen[0] += 1
    if seen[0] <= COMMENT_PARTS:
        into["Comment"] = f"{into.get('Comment', '')}; then {comment.split(' ', 1)[-1]}"
        seen[1] = into["Comment"]
    else:
        into["Comment"] = f"{seen[1]} (and {seen[0] - COMMENT_PARTS} more, to {comment.split(' ', 1)[0]})"
