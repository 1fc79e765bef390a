"""Loading JSONPath-mode states: which fields each state type takes, and their compiled forms.

Called by ``definition._Loader.state`` for a state whose query language is JSONPath (the
machine's default, or its own ``QueryLanguage``). Payload templates, paths and intrinsic calls are
compiled here, once, so a syntax error is an ``InvalidDefinition`` before the run, not a failure
in the middle of it.
"""

from __future__ import annotations

from typing import Any

from . import choice_rules
from .errors import InvalidDefinition
from .jsonpath_io import PathField, ResultPathField, compile_assign, compile_payload, dynamic

_COMMON = {"Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"}
_FLOW = {"Next", "End"}
_RECOVERY = {"Retry", "Catch"}
FIELDS = {
    "Pass": _COMMON | _FLOW | {"Parameters", "Result", "ResultPath", "Assign"},
    "Task": _COMMON | _FLOW | _RECOVERY | {"Resource", "Parameters", "ResultSelector", "ResultPath", "Assign",
                                           "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
                                           "HeartbeatSecondsPath"},
    "Choice": _COMMON | {"Choices", "Default", "Assign"},
    "Wait": _COMMON | _FLOW | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"},
    "Succeed": _COMMON,
    "Fail": {"Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": _COMMON | _FLOW | _RECOVERY | {"Branches", "Parameters", "ResultSelector", "ResultPath", "Assign"},
    "Map": _COMMON | _FLOW | _RECOVERY | {"ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters",
                                          "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector", "ResultPath",
                                          "Assign", "Label", "ToleratedFailureCount", "ToleratedFailureCountPath",
                                          "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"},
}


def _fail(state, message: str) -> InvalidDefinition:
    return InvalidDefinition(f"state '{state.name}': {message}")


def _compiled(state, compile_, *args):
    try:
        return compile_(*args)
    except InvalidDefinition as e:
        raise _fail(state, str(e)) from None


def load_state(loader, state, body: dict):
    """Fill ``state`` (a ``definition.State``) from a JSONPath-mode ``body``; returns it."""
    kind = state.type
    if kind not in ("Choice", "Succeed", "Fail"):
        if ("Next" in body) == bool(body.get("End")):
            raise _fail(state, "needs exactly one of Next and \"End\": true")
        state.next = body.get("Next")
    if kind != "Fail":
        state.input_path = _compiled(state, PathField, body.get("InputPath", "$"), "InputPath")
        state.output_path = _compiled(state, PathField, body.get("OutputPath", "$"), "OutputPath")
    if kind in ("Pass", "Task", "Parallel", "Map"):
        state.result_path = _compiled(state, ResultPathField, body.get("ResultPath", "$"))
    if "Parameters" in body and kind != "Map":
        state.parameters = _compiled(state, compile_payload, body["Parameters"])
    if "ResultSelector" in body:
        state.result_selector = _compiled(state, compile_payload, body["ResultSelector"])
    if "Assign" in body:
        state.assign = _compiled(state, compile_assign, body["Assign"], "Assign")
    globals()["_load_" + kind.lower()](loader, state, body)
    if kind in ("Task", "Parallel", "Map"):
        state.retriers = [loader.retrier(state.name, spec) for spec in loader.array(state.name, body, "Retry")]
        state.catchers = [_catcher(loader, state, spec) for spec in loader.array(state.name, body, "Catch")]
    return state


def _load_pass(loader, state, body):
    if "Result" in body:
        state.result = compile_payload(None) if body["Result"] is None else _constant(body["Result"])


def _constant(value: Any):
    from .expressions import Constant
    return Constant(value)  # Result is taken as it is: its "key.$" names are not evaluated


def _load_succeed(loader, state, body):
    pass


def _load_task(loader, state, body):
    from .definition import LAMBDA_INVOKE, _LAMBDA_ARN, check_lambda_arguments, check_timeouts
    from .errors import UnsupportedFeature
    from .service_tasks import is_service_resource
    resource = body.get("Resource")
    if is_service_resource(resource):  # an AWS service integration, run with boto3: Parameters are its arguments
        state.resource = resource
        check_timeouts(state.name, body)
        return
    if resource != LAMBDA_INVOKE and not (isinstance(resource, str) and _LAMBDA_ARN.match(resource)):
        raise UnsupportedFeature(
            f"state '{state.name}': Resource {resource!r} is not supported by pysfn.local (only "
            f"'{LAMBDA_INVOKE}' and Lambda function ARNs; no callbacks, activities or other services)")
    state.resource = resource
    parameters = body.get("Parameters")
    if resource == LAMBDA_INVOKE:
        if not isinstance(parameters, dict) or not ("FunctionName" in parameters or "FunctionName.$" in parameters):
            raise _fail(state, "Parameters of lambda:invoke need FunctionName")
        check_lambda_arguments(state.name, {key[:-2] if key.endswith(".$") else key: value
                                            for key, value in parameters.items() if key != "InvocationType.$"})
    check_timeouts(state.name, body)
    for key in ("TimeoutSeconds", "HeartbeatSeconds"):
        if key + "Path" in body:
            state.timeouts.append(_compiled(state, dynamic, body[key + "Path"], key + "Path"))


def _load_choice(loader, state, body):
    from .definition import Rule
    choices = body.get("Choices")
    if not isinstance(choices, list) or not choices:
        raise _fail(state, "Choices must be a non-empty array")
    for i, spec in enumerate(choices):
        where = f"Choices[{i}]"
        if isinstance(spec, dict) and "Condition" in spec:
            raise _fail(state, f"{where}: Condition is a JSONata field, not allowed in a JSONPath state")
        predicate = _compiled(state, choice_rules.compile_rule, spec, where)
        assign = _compiled(state, compile_assign, spec["Assign"], f"{where}.Assign") if "Assign" in spec else None
        state.rules.append(Rule(None, spec["Next"], assign, None, predicate))
    state.default = body.get("Default")


def _load_wait(loader, state, body):
    given = [key for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if key in body]
    if len(given) != 1:
        raise _fail(state, "a Wait needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath")
    key = given[0]
    if key == "Seconds":
        seconds = body["Seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= 99999999:
            raise _fail(state, "Seconds must be a whole number from 0 to 99999999")  # AWS-MEASURED
        state.seconds = _constant(seconds)
    elif key == "Timestamp":
        if choice_rules.timestamp(body["Timestamp"]) is None:
            raise _fail(state, f"Timestamp {body['Timestamp']!r} is not an RFC 3339 timestamp")
        state.timestamp = _constant(body["Timestamp"])
    elif key == "SecondsPath":
        state.seconds_path = _compiled(state, dynamic, body[key], key)
    else:
        state.timestamp_path = _compiled(state, dynamic, body[key], key)


def _load_fail(loader, state, body):
    for key, attribute in (("Error", "error"), ("Cause", "cause")):
        if key in body and key + "Path" in body:
            raise _fail(state, f"{key} and {key}Path are exclusive")
        if key in body:
            if not isinstance(body[key], str):
                raise _fail(state, f"{key} must be a string")
            setattr(state, attribute, _constant(body[key]))
        elif key + "Path" in body:
            setattr(state, attribute, _compiled(state, dynamic, body[key + "Path"], key + "Path"))


def _load_parallel(loader, state, body):
    branches = body.get("Branches")
    if not isinstance(branches, list) or not branches:
        raise _fail(state, "Branches must be a non-empty array")
    state.branches = [loader.machine(branch, f"branch {i} of '{state.name}'") for i, branch in enumerate(branches)]


def _load_map(loader, state, body):
    if "ItemProcessor" in body and "Iterator" in body:
        raise _fail(state, "ItemProcessor and Iterator are exclusive")
    processor = body.get("ItemProcessor", body.get("Iterator"))
    if not isinstance(processor, dict):
        raise _fail(state, "a Map needs an ItemProcessor")
    config = processor.get("ProcessorConfig") or {}
    mode = config.get("Mode", "INLINE")
    if mode not in ("INLINE", "DISTRIBUTED"):
        raise _fail(state, f"ProcessorConfig.Mode {mode!r}")
    state.distributed = mode == "DISTRIBUTED"
    state.express_children = state.distributed and config.get("ExecutionType") == "EXPRESS"
    state.processor = loader.machine(processor, f"the ItemProcessor of '{state.name}'")
    state.items_path = _compiled(state, PathField, body.get("ItemsPath", "$"), "ItemsPath")
    if "ItemSelector" in body and "Parameters" in body:
        raise _fail(state, "ItemSelector and Parameters are exclusive")
    selector = body.get("ItemSelector", body.get("Parameters"))
    if selector is not None:
        state.item_selector = _compiled(state, compile_payload, selector)
    for key, attribute in (("MaxConcurrency", "max_concurrency"), ("ToleratedFailureCount", "tolerated_count"),
                           ("ToleratedFailurePercentage", "tolerated_percentage")):
        if key in body and key + "Path" in body:
            raise _fail(state, f"{key} and {key}Path are exclusive")
        if key in body:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _fail(state, f"{key} must be a non-negative number")
            setattr(state, attribute, _constant(value))
        elif key + "Path" in body:
            setattr(state, attribute + "_path", _compiled(state, dynamic, body[key + "Path"], key + "Path"))


def _catcher(loader, state, spec):
    from .definition import Catcher
    names = loader.error_equals(state.name, spec, "Catch")
    for key in spec:
        if key not in ("ErrorEquals", "Next", "ResultPath", "Assign", "Comment"):
            raise _fail(state, f"field '{key}' is not allowed in a JSONPath Catch")
    if not isinstance(spec.get("Next"), str):
        raise _fail(state, "a Catch needs Next")
    assign = _compiled(state, compile_assign, spec["Assign"], "Catch.Assign") if "Assign" in spec else None
    return Catcher(names, spec["Next"], assign, None, _compiled(state, ResultPathField, spec.get("ResultPath", "$")))
