"""Child workflows: an entry calling another pysfn workflow's entry waits for its result.

``from orders_child import charge`` (or ``import billing`` then ``billing.charge(...)``), where
``charge`` is the ``@PSF.main`` of that module, makes ``charge(...)`` in the entry a child
execution. Natively it is a plain Python call (the child's ``@PSF.main`` wrapper checks the
arguments as its machine checks its input). Compiled it is a Task
``arn:aws:states:::states:startExecution.sync:2`` with ``Arguments`` ``{"StateMachineArn":
"${ChildStateMachineArn_<module>}", "Input": {<the child's parameters by name>}}``; the ARN is a
definition substitution that ``pysfn deploy`` fills with the child machine it deployed first and
``pysfn template`` with the child's own ``AWS::StepFunctions::StateMachine`` resource.

Errors. When the child execution fails, Step Functions fails the Task with ``States.TaskFailed``
and a Cause that is the JSON of the child's DescribeExecution (its ``Error`` and ``Cause`` among
the members). So that ``except ChargeDeclined`` in the parent catches the child's
``raise ChargeDeclined(...)`` as it does natively, the Task runs inside a one-branch Parallel whose
branch catches ``States.TaskFailed`` and fails again with the child's own Error and Cause: a
Parallel fails with its branch's error, and the parent's Catch/Retry sit on the Parallel.

Numbers (compiler/numbers.py). A child's execution input and output are plain JSON: a whole float
is the JSON number ``2`` and ``-0.0`` is ``0``. The child's input check makes the numbers of
parameters declared ``float`` floats again, and the parent reads the output through the child's
return annotation the same way (``-> float``, ``-> list[float]``, a TypedDict). Where an
annotation does not say (none, ``list``, ``dict``), a whole float would silently become an int:
the compiler warns at the call, and the sign of a zero float is lost in both directions (also
warned).
"""

from __future__ import annotations

import ast
from pathlib import Path

from pysfn.compiler import ir

START_SYNC = "arn:aws:states:::states:startExecution.sync:2"
ARN_PREFIX = "ChildStateMachineArn_"


def arn_placeholder(module: str) -> str:
    """The definition substitution naming a child's state machine."""
    return "${" + substitution_key(module) + "}"


def substitution_key(module: str) -> str:
    return ARN_PREFIX + module.replace(".", "_")


def _imported_module(info, func: ast.expr) -> tuple[str, str] | None:
    """(module name, function name) when ``func`` names a function of a local module imported at
    the top of the workflow (``from m import f`` then ``f``, or ``import m`` then ``m.f``)."""
    for node in info.tree.body:
        if isinstance(func, ast.Name) and isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == func.id:
                    return node.module, alias.name
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == func.value.id and "." not in alias.name:
                    return alias.name, func.attr
    return None


def _child_entry(info, func: ast.expr):
    """(module name, path, the child's ModuleInfo, its entry FunctionDef) when ``func`` names the
    ``@PSF.main`` of another local module; None otherwise."""
    from pysfn.compiler.diagnostics import Reporter
    from pysfn.compiler.module import _local_module_path, analyse_module
    found = _imported_module(info, func)
    if found is None:
        return None
    module, name = found
    path = _local_module_path(info.path.parent, module)
    if path is None:
        return None
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
        return None  # Python reports it when the module is imported
    child = analyse_module(path, source, tree, Reporter(str(path), source))
    fn = child.functions.get(name)
    if fn is None or not any(child.psf_attr(d) == "main" for d in fn.decorator_list):
        return None
    return module, path, child, fn


def _lossy(spec) -> bool:
    """Could a whole float at some position of a value of this spec lose its type through JSON?
    (None: not checked, so any number may be there; ``int``/``str``/``bool``: no float can be.)"""
    if spec is None:
        return True
    kind = spec[0]
    if kind in ("list", "dict"):
        return _lossy(spec[1])
    if kind == "optional":
        return _lossy(spec[1])
    if kind == "typeddict":
        return any(_lossy(field) for _, field, _ in spec[2])
    return False


def spec_or_none(annotation, child_info):
    """The contract spec of an annotation of the child's module (signature.spec_of), None if unchecked."""
    from pysfn.compiler.signature import spec_of
    return spec_of(annotation, child_info)


def child_call(fc, node: ast.Call, retriers: tuple) -> ir.CalleeCall | None:
    """The IR of a call of another workflow's entry; None if ``node`` is not one."""
    found = _child_entry(fc.info, node.func)
    if found is None:
        return None
    module, path, child, fn = found
    rep = fc.rep
    for a in node.args:
        if isinstance(a, ast.Starred):
            raise rep.error(a, "*args in a child workflow call is not supported", "pass the arguments one by one")
    for k in node.keywords:
        if k.arg is None:
            raise rep.error(k.value, "**kwargs in a child workflow call is not supported",
                            "pass the arguments by name")
    a = fn.args
    if a.vararg or a.kwarg or a.posonlyargs:
        raise rep.error(node, f"the child workflow '{fn.name}' takes *args, **kwargs or positional-only "
                        "parameters: its execution input is an object of named parameters",
                        f"give 'def {fn.name}' plain parameters")
    fc.check_arguments(node, fn, len(node.args), [k.arg for k in node.keywords])
    positional = [p.arg for p in a.args]
    named = list(zip(positional, node.args)) + [(k.arg, k.value) for k in node.keywords]
    params = {p.arg: p.annotation for p in a.args + a.kwonlyargs}
    lossy = [name for name, _ in named if _lossy(spec_or_none(params.get(name), child))]
    floats = [name for name, _ in named if "'float'" in repr(spec_or_none(params.get(name), child))]
    result_spec = spec_or_none(fn.returns, child)
    where = f"{module}.{fn.name}"
    problems = []
    if lossy:
        problems.append(f"a whole float passed as {', '.join(lossy)} reaches it as an int (the child's "
                        "execution input is plain JSON: 2.0 is the number 2)")
    if _lossy(result_spec):
        problems.append("a whole float in its result arrives here as an int (its execution output is plain "
                        "JSON)")
    if floats or "'float'" in repr(result_spec):
        problems.append("-0.0 passed or returned arrives as 0.0 (JSON has no negative zero)")
    if problems:
        hint = (f"annotate 'def {fn.name}' (parameters and return: float, list[float], a TypedDict) so both "
                "machines read floats back as floats") if lossy or _lossy(result_spec) else \
            "no annotation keeps the sign of a zero: pass the sign apart if -0.0 matters"
        rep.warn(node, f"the child workflow '{where}' runs as its own execution: " + "; ".join(problems), hint)
    specs = tuple((p.arg, spec_or_none(p.annotation, child)) for p in a.args + a.kwonlyargs)
    target = ir.ChildTarget(module, fn.name, str(path), arn_placeholder(module), result_spec, fc.loc(node), specs)
    fc.info.children.setdefault(module, target)
    kwargs = tuple((name, fc.expr(value)) for name, value in named)
    return ir.CalleeCall(where, (), kwargs, tuple(retriers), fc.loc(node), child=target)


def child_result(call: ir.CalleeCall) -> str:
    """JSONata of the call's value in the Parallel's Assign/Output: the branch's one result."""
    return f"$lookup($states.result[0], 'value')"


def _task_output(call: ir.CalleeCall) -> str:
    from pysfn.compiler.jsonata import T
    from pysfn.compiler.numbers import as_declared
    out = "$states.result.Output"
    spec = call.child.result_spec
    if spec is not None and "'float'" in repr(spec):  # numbers declared float are floats (tagged if whole)
        out = f"({T}co := {out}; {as_declared(spec, T + 'co')})"
    return "{'value': " + out + "}"


# The child's own error, read from the Cause of States.TaskFailed (its DescribeExecution as JSON);
# a child that timed out or was aborted has no Error there: the Task's error is kept.
def _fail_fields() -> tuple[str, str]:
    from pysfn.compiler.jsonata import T
    c, p = f"{T}fc", f"{T}fp"
    parsed = (f"{c} := $states.input.Cause; {p} := ($type({c}) = 'string' and $substring({c}, 0, 1) = '{{' "
              f"? $parse({c}) : {{}}); ")
    error = f"({parsed}$type({p}.Error) = 'string' ? {p}.Error : $states.input.Error)"
    cause = (f"({parsed}$type({p}.Error) = 'string' ? ($type({p}.Cause) = 'string' ? {p}.Cause : '') "
             f": ($type({c}) = 'string' ? {c} : ''))")
    return error, cause


def _int_check(call: ir.CalleeCall, task: str) -> tuple[list, list] | None:
    """Choice rules that fail as the child's own input check fails natively where JSON cannot tell:
    a whole float given for a parameter declared ``int`` (natively ``TypeError: charge() input 'n'
    must be int, not float``; the child's machine would read the JSON number ``2`` as an int).
    The parameters are checked in the child's order, as its check does: the first that fails its
    annotation otherwise goes on to the child, which reports it itself. Returns (rules, the
    messages of the rules whose ``Next`` is None: a Fail each), or None when no int is passed."""
    from pysfn.compiler.jsonata import T, expression, wrap
    from pysfn.compiler.numbers import is_float, output
    from pysfn.compiler.signature import _matches
    given = dict(call.kwargs)
    rules, messages = [], []
    for name, spec in call.child.params:
        if name not in given or spec is None:
            continue
        x = expression(given[name])
        if spec in (("int",), ("optional", ("int",))):
            rules.append({"Condition": wrap(is_float(x)), "Next": None})
            messages.append(f"{call.child.entry}() input '{name}' must be "
                            f"{'int' if spec == ('int',) else 'int | None'}, not float")
        else:
            v = f"{T}cv"
            rules.append({"Condition": wrap(f"({v} := {output(x)}; $not({_matches(spec, v)}))"), "Next": task})
    return (rules, messages) if messages else None


def child_task(lw, m, call: ir.CalleeCall, assign: dict, cont, catchers):
    """The Parallel around the child's Task (see the module docstring), as a lowering thunk."""
    from pysfn.compiler.jsonata import template, wrap
    from pysfn.compiler.lower import _continue, _retrier
    from pysfn.compiler.numbers import decode_output_template
    target = call.child
    line = call.loc.line

    def build(name: str) -> dict:
        task, failed = lw.names.reserve(f"Start_{target.module}_L{line}"), lw.names.reserve(f"Child_failed_L{line}")
        error, cause = _fail_fields()
        check = _int_check(call, task)
        branch = {"StartAt": task, "States": {
            task: {"Type": "Task", "Comment": lw.comment(call.loc), "Resource": START_SYNC,
                   # the child reads plain JSON: whole floats' tags decoded (numbers.py)
                   "Arguments": {"StateMachineArn": target.arn,
                                 "Input": {k: decode_output_template(template(v)) for k, v in call.kwargs}},
                   "Output": wrap(_task_output(call)), "End": True,
                   "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": failed}]},
            failed: {"Type": "Fail", "Comment": f"the child {target.module}.{target.entry} failed: its own error",
                     "Error": wrap(error), "Cause": wrap(cause)}}}
        if check is not None:  # before the child: what its input check would say natively
            rules, messages = check
            check_name = lw.names.reserve(f"Check_{target.module}_L{line}")
            states = {check_name: {"Type": "Choice", "Comment": "the child's input check, where JSON cannot tell "
                                   "a whole float from an int", "Choices": rules, "Default": task}}
            for rule, message in zip([r for r in rules if r["Next"] is None], messages):
                rule["Next"] = lw.names.reserve(f"Child_TypeError_L{line}")
                states[rule["Next"]] = {"Type": "Fail", "Comment": "natively a TypeError of the child's @PSF.main",
                                        "Error": "TypeError", "Cause": message}
            branch = {"StartAt": check_name, "States": {**states, **branch["States"]}}
        state = {"Type": "Parallel", "Comment": lw.comment(call.loc), "Branches": [branch]}
        if assign:
            state["Assign"] = assign
        if call.retriers:
            state["Retry"] = [_retrier(r) for r in call.retriers]
        lw.with_catch(state, lw.catch_field(catchers))
        _continue(state, cont, child_result(call))
        return state
    return lw.state(m, f"Child_{target.module}_L{line}", build)


def child_targets(definition: dict) -> list[str]:
    """The StateMachineArn of every child Task of ``definition`` (in branches and Maps too)."""
    found: list[str] = []

    def walk(states: dict) -> None:
        for state in states.values():
            if state.get("Type") == "Task" and state.get("Resource") == START_SYNC:
                arn = (state.get("Arguments") or {}).get("StateMachineArn")
                if isinstance(arn, str) and arn not in found:
                    found.append(arn)
            for branch in state.get("Branches", []):
                walk(branch.get("States", {}))
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                walk(processor.get("States", {}))
    walk(definition.get("States", {}))
    return found


def compile_children(compiled, lambda_arn: str | None = None, _chain: tuple = ()) -> dict:
    """Every child workflow ``compiled`` calls, compiled too, depth first (grandchildren first):
    ``{module: (ChildTarget, CompileResult)}`` in the order to deploy them. A cycle (a child that
    calls its parent again) is a located CompileError at the call."""
    from pysfn.compiler import compile_file
    out: dict = {}
    chain = _chain + (Path(compiled.source_path).resolve(),)
    for module, target in getattr(compiled, "children", {}).items():
        if Path(target.path).resolve() in chain:
            from pysfn.compiler.diagnostics import CompileError, Diagnostic, Loc
            names = " -> ".join(p.stem for p in chain) + f" -> {module}"
            raise CompileError([Diagnostic("error", target.loc or Loc(str(compiled.source_path), 1, 1),
                                           f"child workflows call each other in a cycle ({names})",
                                           "a child execution cannot start its own parent again; move the "
                                           "shared work into a callee")])
        child = compile_file(target.path, lambda_arn, entry=target.entry)
        for name, pair in compile_children(child, lambda_arn, chain).items():
            out.setdefault(name, pair)
        out.setdefault(module, (target, child))
    return out


def refuse_express(compiled) -> None:
    """An Express machine cannot wait for a child: Step Functions runs the Run a Job (``.sync``)
    pattern in Standard workflows only. A CompileError at the first child call."""
    from pysfn.compiler.diagnostics import CompileError, Diagnostic, Loc
    for target in getattr(compiled, "children", {}).values():
        raise CompileError([Diagnostic("error", target.loc or Loc(str(compiled.source_path), 1, 1),
                                       f"an Express state machine cannot wait for the child workflow "
                                       f"'{target.module}.{target.entry}': Step Functions runs .sync integrations "
                                       "in Standard workflows only",
                                       "deploy this workflow as Standard (without --express)")])
