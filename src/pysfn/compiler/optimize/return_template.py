"""Rule: ``result = {...}; return result`` -- the Pass building the value ends the machine.

A Pass that assigns a JSON template (``{"rejected": "{% $e.cause %}"}``, a dict or list written
in the source) to ``v`` and then reaches a Succeed whose Output is ``v`` (as the execution
output: whole floats decoded) ends with that Output itself: one transition less.
``fold_return`` cannot take it, since it rebinds only references and literals and a template is
neither; here nothing is rebound, the template moves whole:

* The Pass's Output reads the values from before the Pass, as its Assign did, and its
  ``$states.input`` is the same: each leaf evaluates to what it assigned.
* Decoding the whole value is decoding each expression's value in its place (the decoding walks
  dicts and lists and rebuilds them as they are): each expression leaf is wrapped in the
  decoding. A literal dict with a ``$float`` key in the template (a float literal's tag, which
  the decoding would have turned into a number) leaves the Pass alone.
* A Pass has no Retry or Catch, so an Output failing fails the execution as the Succeed's would.

The Pass no longer assigns ``v`` (the machine ends there: nothing reads it, and the Output
evaluates the same leaves, so it fails where the Assign did). The Succeed stays while another
state still leads to it.
"""

from __future__ import annotations

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.numbers import FLOAT_KEY, output, with_helpers
from pysfn.compiler.optimize.machine import (_DECODED_OUTPUT, _unwrapped, expression_text, join_comment,
                                             predecessors, without_helpers)


def _returned_variable(succeed: dict) -> str | None:
    """``v`` when the Succeed's Output is ``$v`` or its decoding, else None."""
    text = expression_text(succeed.get("Output"))
    if text is None:
        return None
    text = _unwrapped(without_helpers(text))
    decoded = _DECODED_OUTPUT.match("(" + text + ")")
    inner = (decoded.group(1) if decoded else text).strip()
    if inner.startswith("$") and inner[1:].isidentifier() and inner[1:] != "states":
        return inner[1:]
    return None


def _has_tag(value) -> bool:
    if isinstance(value, dict):
        return FLOAT_KEY in value or any(_has_tag(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_tag(v) for v in value)
    return False


def _decoded(value):
    """The template with each expression leaf's value decoded as the execution output."""
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    text = expression_text(value)
    if text is None:
        return value
    return wrap(with_helpers(output(f"({without_helpers(text)})")))


def rule(machine: dict) -> None:
    states = machine["States"]
    preds = predecessors(machine)
    counts: dict = {}
    for name in list(states):
        succeed = states[name]
        if succeed["Type"] != "Succeed" or set(succeed) - {"Type", "Comment", "Output"}:
            continue
        var = _returned_variable(succeed)
        if var is None:
            continue
        left = []
        for pred_name, kind in dict.fromkeys(preds[name]):
            pred = states.get(pred_name)
            template = (pred or {}).get("Assign", {}).get(var)
            if kind != "next" or pred is None or pred["Type"] != "Pass" or "Output" in pred \
                    or not isinstance(template, (dict, list)) or _has_tag(template):
                left.append((pred_name, kind))
                continue
            del pred["Next"]
            pred["Output"] = _decoded(template)
            pred["End"] = True
            del pred["Assign"][var]  # (the machine ends: no state reads it; the Output fails where it did)
            if not pred["Assign"]:
                del pred["Assign"]
            join_comment(pred, succeed, counts)
        if not left:
            del states[name]
        preds[name] = left
