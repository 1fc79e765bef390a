"""Rule: the input check (the first Choice, ``Arguments``) merged with the first state.

The check is the contract: its one rule tests the execution input and assigns the
parameters, its Default is the Fail ``Bad_arguments``. When the state after it is a Choice
reached from nowhere else, one Choice does both, one transition less on every execution:

    1. not the check  -> Bad_arguments (its Cause reads the same ``$states.input``)
    2. ``true``, assigning the parameters -> the ``if``

and then ``choice_chain.merge`` makes the ``if``'s rules the rules after the first (each
condition reading the parameters rebound, ``$n := $lookup($states.input, "n")``). Nothing
changes when the merge is not possible (a parameter's expression too long to repeat, ...).

When the first state is a Lambda Task reached only from the check, the Task starts the
machine and checks the input itself. ``FunctionName`` stays the literal ARN (IAM policies and
``pysfn deploy`` read it statically), and so does the Payload's ``callee``; one place of the
Payload (``kwargs`` when it is ``{}``, else ``args`` or one argument: ``_guarded_place``) is its
value only when the check passes, else undefined -- a ``States.QueryEvaluationError`` while the Arguments are
evaluated, before any call is made (AWS and moto both fail an Arguments field that is
undefined with that error, and a Catch takes it). The Task assigns the parameters, its
expressions read them rebound to their expressions on the execution input. A first catcher of
that error leads to the old check, now reading ``$states.context.Execution.Input`` (a catcher's
next state gets the error output): a bad input fails with its TypeError as before, whichever
field failed first; a good one means the error was the Task's own, which fails the execution
again with the same Error and Cause. So only where the Task has no retrier or catcher that would
have taken that error (``States.ALL``, ``States.TaskFailed``, the error itself). One transition
less on every execution that passes the check, one more on a bad input, two more on the rare
one that fails in the Task's own expressions (AWS-MEASURED.md: a failure evaluating a Task's
Arguments is the Task's failure, so its Catch takes it).
"""

from __future__ import annotations

import copy
import json
import re

from pysfn.compiler.jsonata import wrap
from pysfn.compiler.optimize import choice_chain
from pysfn.compiler.optimize.machine import catches_everything, expression_text, predecessors, rebind


# (An earlier form made FunctionName the expression; that hid the dispatcher from IAM policy
# generators and from test_deploy's check that every Task calls it; guarding the callee's name hid
# it from the tests' and tools' readers: the arguments are guarded.)
FIRST_TASK = True


_GUARDED = re.compile(r'\) \? ("(?:[^"\\]|\\.)*") : \$lookup\(\{\}, \'pysfn: the input check failed\'\) %\}$')


def static_callee(task: dict) -> str | None:
    """The callee a Lambda Task of pysfn's calls, read from the definition: its Payload's
    ``callee``, also when this rule guarded it with the input check; None if it is computed."""
    payload = task.get("Arguments", {}).get("Payload") if isinstance(task.get("Arguments"), dict) else None
    callee = payload.get("callee") if isinstance(payload, dict) else None
    if not isinstance(callee, str):
        return None
    if not callee.startswith("{%"):
        return callee
    guarded = _GUARDED.search(callee)
    return json.loads(guarded.group(1)) if guarded else None


def rule(machine: dict) -> None:
    _with_first_choice(machine)
    if FIRST_TASK:
        _with_first_task(machine)


def _with_first_choice(machine: dict) -> None:
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


_RERAISE = "Arguments_checked"
_ERROR = "States.QueryEvaluationError"
# Retriers and catchers that would take the Task's own query error: the added catcher must not
# come between them and it.
_TAKERS = {_ERROR, "States.ALL", "States.TaskFailed"}


_UNDEFINED = "$lookup({}, 'pysfn: the input check failed')"


def _guarded_place(payload: dict):
    """Where the check goes in the dispatcher's payload: ``kwargs`` when it is ``{}`` or left out, ``args``
    when it is ``[]``, else the first argument that is one expression or a scalar literal; None
    when there is no such place. (Never ``callee``: static readers -- graphs, tests, tools --
    read the callee's name; nor a key of its own: the dispatcher refuses unknown keys.)"""
    if payload.get("kwargs", {}) == {}:  # (a Task leaves out "kwargs" when there are none)
        return "kwargs", None
    args = payload.get("args")
    if args == []:
        return "args", None
    for i, arg in enumerate(args if isinstance(args, list) else []):
        if expression_text(arg) is not None or (isinstance(arg, (int, float, bool)) or arg is None) \
                or (isinstance(arg, str) and not arg.startswith("{%")):
            return "args", i
    return None


def _guard(payload: dict, condition: str) -> None:
    """The value at ``_guarded_place`` as before when the check passes, else undefined."""
    key, index = _guarded_place(payload)
    value = payload.get(key, {}) if index is None else payload[key][index]
    text = expression_text(value)
    if text is None:  # {} or [] or a scalar literal: JSON is a JSONata literal
        text = json.dumps(value, ensure_ascii=False)
    guarded = wrap(f"({condition}) ? ({text}) : {_UNDEFINED}")
    if index is None:
        payload[key] = guarded
    else:
        payload[key][index] = guarded


def _with_first_task(machine: dict) -> None:
    states = machine["States"]
    name = machine["StartAt"]
    check = states.get(name)
    if name != "Arguments" or check is None or check["Type"] != "Choice" or len(check.get("Choices", [])) != 1 \
            or set(check) - {"Type", "Comment", "Choices", "Default"} or _RERAISE in states:
        return
    rule_ = check["Choices"][0]
    task_name = rule_["Next"]
    task = states.get(task_name)
    bad = states.get(check.get("Default"))
    condition = expression_text(rule_["Condition"])
    if task is None or task["Type"] != "Task" or task.get("Resource") != "arn:aws:states:::lambda:invoke" \
            or not isinstance(task.get("Arguments", {}).get("Payload"), dict) \
            or _guarded_place(task["Arguments"]["Payload"]) is None or catches_everything(task) \
            or any(set(c["ErrorEquals"]) & _TAKERS for c in task.get("Catch", []) + task.get("Retry", [])) \
            or predecessors(machine)[task_name] != [(name, "choice")] or bad is None or bad["Type"] != "Fail" \
            or condition is None or set(rule_) - {"Condition", "Next", "Assign"}:
        return
    # The first state's input is the execution input: read so, the parameters can be assigned
    # in the catchers too (a catcher's Assign replaces the Task's when the Task fails).
    execution_input = "$states.context.Execution.Input"
    params = json.loads(json.dumps(rule_.get("Assign", {})).replace("$states.input", execution_input))
    bindings = choice_chain.bindings_of(params)
    if bindings is None:
        return
    task["Arguments"] = rebind(task["Arguments"], bindings)
    _guard(task["Arguments"]["Payload"], condition)
    for key in ("Output", "TimeoutSeconds", "HeartbeatSeconds"):
        if key in task:
            task[key] = rebind(task[key], bindings)
    task["Assign"] = {**params, **rebind(task.get("Assign", {}), bindings)}
    for catcher in task.get("Catch", []):  # a catcher assigns the parameters too
        catcher["Assign"] = {**params, **rebind(catcher.get("Assign", {}), bindings)}
        if not catcher["Assign"]:
            del catcher["Assign"]
    task["Catch"] = [{"ErrorEquals": [_ERROR], "Next": name}] + task.get("Catch", [])
    check["Choices"] = [{"Condition": rule_["Condition"].replace("$states.input", execution_input),
                         "Next": _RERAISE}]
    for key in ("Error", "Cause"):
        if isinstance(bad.get(key), str):
            bad[key] = bad[key].replace("$states.input", execution_input)
    states[_RERAISE] = {"Type": "Fail", "Comment": "the first Task's own error, after the input check passed",
                        "Error": "{% $states.input.Error %}", "Cause": "{% $states.input.Cause %}"}
    machine["StartAt"] = task_name
