"""Load an ASL definition into the interpreter's model: every state checked, every template compiled.

Loading happens once per run, before the first state: a feature ``pysfn.local`` does not implement
raises ``UnsupportedFeature`` naming the state and the field, so a run never starts on a machine it
would run wrongly. Both query languages load here: a state's language is its own ``QueryLanguage``
or the machine's (JSONPath by default); the JSONPath fields (``InputPath``, ``Parameters``,
``ResultPath``, ...) are compiled by ``jsonpath_definition``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import jsonpath_definition
from .errors import InvalidDefinition, UnsupportedFeature
from .service_tasks import is_service_resource
from .expressions import Template, compile_template

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
# and its callback pattern (callbacks.py): the same Arguments, then a wait for the task token
_INVOKES = (LAMBDA_INVOKE, LAMBDA_INVOKE + ".waitForTaskToken")
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
_JSONPATH_FIELDS = {"InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector", "ItemsPath",
                    "ErrorPath", "CausePath", "SecondsPath", "TimestampPath", "MaxConcurrencyPath",
                    "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "Result",
                    "TimeoutSecondsPath", "HeartbeatSecondsPath", "Iterator"}
# JSONata-mode fields of each state type (JSONPath mode: ``jsonpath_definition.FIELDS``)
_COMMON = {"Type", "Comment", "QueryLanguage"}
_FLOW = {"Next", "End"}
_RECOVERY = {"Retry", "Catch"}
# JSONata-mode fields of each state type (JSONPath mode: ``jsonpath_definition.FIELDS``)
_FIELDS = {
    "Pass": _COMMON | _FLOW | {"Output", "Assign"},
    "Task": _COMMON | _FLOW | _RECOVERY | {"Resource", "Arguments", "Output", "Assign", "TimeoutSeconds",
                                           "HeartbeatSeconds"},
    "Choice": _COMMON | {"Choices", "Default", "Output", "Assign"},
    "Wait": _COMMON | _FLOW | {"Seconds", "Timestamp", "Output", "Assign"},
    "Succeed": _COMMON | {"Output"},
    "Fail": _COMMON | {"Error", "Cause"},
    "Parallel": _COMMON | _FLOW | _RECOVERY | {"Branches", "Arguments", "Output", "Assign"},
    "Map": _COMMON | _FLOW | _RECOVERY | {"ItemProcessor", "Items", "ItemSelector", "MaxConcurrency", "Output",
                                          "Assign", "Label", "ToleratedFailureCount",
                                          "ToleratedFailurePercentage"},
}
_LAMBDA_ARGUMENTS = {"FunctionName", "Payload", "InvocationType"}


@dataclass
class Retrier:
    error_equals: list[str]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter: bool = False


@dataclass
class Catcher:
    error_equals: list[str]
    next: str
    assign: list[tuple[str, Template]] | None
    output: Template | None
    result_path: Any = None                      # JSONPath: a jsonpath_io.ResultPathField


@dataclass
class Rule:
    condition: Template | None                   # JSONata: the Condition
    next: str
    assign: list[tuple[str, Template]] | None
    output: Template | None
    predicate: Callable | None = None            # JSONPath: choice_rules.compile_rule


@dataclass
class State:
    name: str
    type: str
    next: str | None = None                      # None: the state ends its machine (End, Succeed)
    assign: list[tuple[str, Template]] | None = None
    output: Template | None = None
    arguments: Template | None = None            # Task, Parallel
    retriers: list[Retrier] = field(default_factory=list)
    catchers: list[Catcher] = field(default_factory=list)
    resource: str | None = None                  # Task
    timeouts: list[Template] = field(default_factory=list)  # Task: evaluated, never enforced
    rules: list[Rule] = field(default_factory=list)          # Choice
    default: str | None = None                   # Choice
    seconds: Template | None = None              # Wait
    timestamp: Template | None = None            # Wait
    error: Template | None = None                # Fail
    cause: Template | None = None                # Fail
    branches: list["Machine"] = field(default_factory=list)  # Parallel
    items: Template | None = None                # Map
    item_selector: Template | None = None        # Map
    processor: "Machine | None" = None           # Map
    distributed: bool = False                    # Map
    express_children: bool = False               # Map: DISTRIBUTED with EXPRESS child executions
    max_concurrency: Template | None = None      # Map
    tolerated_count: Template | None = None      # Map: ToleratedFailureCount(Path)
    tolerated_percentage: Template | None = None  # Map: ToleratedFailurePercentage(Path)
    # JSONPath mode (``jsonpath_definition``); a JSONata state leaves them unset
    language: str = "JSONata"
    input_path: Any = None                       # jsonpath_io.PathField
    output_path: Any = None                      # jsonpath_io.PathField
    result_path: Any = None                      # jsonpath_io.ResultPathField
    parameters: Template | None = None           # Parameters (Pass, Task, Parallel)
    result_selector: Template | None = None      # Task, Parallel, Map
    result: Template | None = None               # Pass: Result
    items_path: Any = None                       # Map: jsonpath_io.PathField
    seconds_path: Template | None = None         # Wait
    timestamp_path: Template | None = None       # Wait
    max_concurrency_path: Template | None = None  # Map
    tolerated_count_path: Template | None = None  # Map
    tolerated_percentage_path: Template | None = None  # Map


@dataclass
class Machine:
    start_at: str
    states: dict[str, State]


def load(definition: dict) -> Machine:
    if not isinstance(definition, dict):
        raise InvalidDefinition("a state machine definition is a JSON object")
    language = definition.get("QueryLanguage", "JSONPath")
    try:
        return _Loader(language).machine(definition, "the state machine")
    except InvalidDefinition:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as e:
        # a field of the wrong JSON type somewhere the loader did not check by name
        raise InvalidDefinition(f"the definition is malformed ({type(e).__name__}: {e})") from None


class _Loader:
    def __init__(self, language: str):
        self.language = language
        self.names: set[str] = set()

    # -- machines and states ------------------------------------------------------------------
    def machine(self, spec: Any, where: str) -> Machine:
        if not isinstance(spec, dict) or not isinstance(spec.get("States"), dict) or not spec["States"]:
            raise InvalidDefinition(f"{where} has no States")
        start = spec.get("StartAt")
        if start not in spec["States"]:
            raise InvalidDefinition(f"{where}: StartAt {start!r} names no state of its States")
        states = {name: self.state(name, body) for name, body in spec["States"].items()}
        for state in states.values():
            targets = [state.next, state.default] + [r.next for r in state.rules] + [c.next for c in state.catchers]
            for target in targets:
                if target is not None and target not in states:
                    raise InvalidDefinition(f"state '{state.name}': Next {target!r} names no state of {where}")
        return Machine(start, states)

    def state(self, name: str, body: Any) -> State:
        if name in self.names:
            raise InvalidDefinition(f"state name '{name}' is used twice (names are unique across the definition)")
        self.names.add(name)
        if not isinstance(body, dict):
            raise InvalidDefinition(f"state '{name}' is not a JSON object")
        kind = body.get("Type")
        if kind not in _FIELDS:
            raise InvalidDefinition(f"state '{name}': unknown Type {kind!r}")
        language = body.get("QueryLanguage", self.language)
        if language not in ("JSONata", "JSONPath"):
            raise InvalidDefinition(f"state '{name}': unknown QueryLanguage {language!r}")
        if language == "JSONPath" and self.language == "JSONata":
            raise InvalidDefinition(f"state '{name}': a JSONPath state cannot be inside a JSONata machine")
        fields = _FIELDS[kind] if language == "JSONata" else jsonpath_definition.FIELDS[kind]
        for key in body:
            if key not in fields:
                if key in ("ItemReader", "ResultWriter", "ItemBatcher", "Credentials"):
                    raise UnsupportedFeature(f"state '{name}': field '{key}' is not supported by pysfn.local")
                if language == "JSONata" and key in _JSONPATH_FIELDS:
                    raise InvalidDefinition(f"state '{name}': field '{key}' is a JSONPath field, not allowed in "
                                            f"a JSONata state")
                raise InvalidDefinition(f"state '{name}': field '{key}' is not allowed on a {language} {kind} state")
        state = State(name, kind, language=language)
        if language == "JSONPath":
            return jsonpath_definition.load_state(self, state, body)
        if kind not in ("Choice", "Succeed", "Fail"):
            if ("Next" in body) == bool(body.get("End")):
                raise InvalidDefinition(f"state '{name}' needs exactly one of Next and \"End\": true")
            state.next = body.get("Next")
        if "Assign" in body:
            state.assign = self.assign(name, body["Assign"], "Assign")
        if "Output" in body:
            state.output = self.template(name, body["Output"], "Output")
        getattr(self, "load_" + kind.lower())(state, body)
        if kind in ("Task", "Parallel", "Map"):
            state.retriers = [self.retrier(name, spec) for spec in self.array(name, body, "Retry")]
            state.catchers = [self.catcher(name, spec) for spec in self.array(name, body, "Catch")]
        return state

    def load_pass(self, state: State, body: dict) -> None:
        pass

    def load_succeed(self, state: State, body: dict) -> None:
        pass

    def load_task(self, state: State, body: dict) -> None:
        resource = body.get("Resource")
        if is_service_resource(resource):  # an AWS service integration, run with boto3 (service_tasks.py)
            state.resource = resource
            state.arguments = self.template(state.name, body.get("Arguments", {}), "Arguments")
            state.timeouts = [self.template(state.name, body[key], key)
                              for key in ("TimeoutSeconds", "HeartbeatSeconds") if key in body]
            return
        if resource not in _INVOKES and not (isinstance(resource, str) and _LAMBDA_ARN.match(resource)):
            raise UnsupportedFeature(
                f"state '{state.name}': Resource {resource!r} is not supported by pysfn.local (only "
                f"'{LAMBDA_INVOKE}' and Lambda function ARNs; its .waitForTaskToken; no activities or other services)")
        state.resource = resource
        if "Arguments" in body:
            arguments = body["Arguments"]
            if resource in _INVOKES and isinstance(arguments, dict):
                if "FunctionName" not in arguments:
                    raise InvalidDefinition(f"state '{state.name}': Arguments of lambda:invoke need FunctionName")
                check_lambda_arguments(state.name, arguments)
            state.arguments = self.template(state.name, arguments, "Arguments")
        elif resource in _INVOKES:
            raise InvalidDefinition(f"state '{state.name}': lambda:invoke needs Arguments with FunctionName")
        state.timeouts = [self.template(state.name, body[key], key)
                          for key in ("TimeoutSeconds", "HeartbeatSeconds") if key in body]
        check_timeouts(state.name, body)

    def load_choice(self, state: State, body: dict) -> None:
        choices = body.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise InvalidDefinition(f"state '{state.name}': Choices must be a non-empty array")
        for i, rule in enumerate(choices):
            where = f"Choices[{i}]"
            if not isinstance(rule, dict) or "Condition" not in rule or "Next" not in rule:
                raise InvalidDefinition(f"state '{state.name}': {where} needs Condition and Next (JSONPath "
                                        f"comparison rules are not allowed in a JSONata state)")
            for key in rule:
                if key not in ("Condition", "Next", "Assign", "Output", "Comment"):
                    raise InvalidDefinition(f"state '{state.name}': field '{key}' is not allowed in {where} of a "
                                            f"JSONata state")
            state.rules.append(Rule(
                self.template(state.name, rule["Condition"], f"{where}.Condition"), rule["Next"],
                self.assign(state.name, rule["Assign"], f"{where}.Assign") if "Assign" in rule else None,
                self.template(state.name, rule["Output"], f"{where}.Output") if "Output" in rule else None))
        state.default = body.get("Default")

    def load_wait(self, state: State, body: dict) -> None:
        if ("Seconds" in body) == ("Timestamp" in body):
            raise InvalidDefinition(f"state '{state.name}': a Wait needs exactly one of Seconds and Timestamp")
        if "Seconds" in body:
            state.seconds = self.template(state.name, body["Seconds"], "Seconds")
        else:
            state.timestamp = self.template(state.name, body["Timestamp"], "Timestamp")

    def load_fail(self, state: State, body: dict) -> None:
        if "Error" in body:
            state.error = self.template(state.name, body["Error"], "Error")
        if "Cause" in body:
            state.cause = self.template(state.name, body["Cause"], "Cause")

    def load_parallel(self, state: State, body: dict) -> None:
        branches = body.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise InvalidDefinition(f"state '{state.name}': Branches must be a non-empty array")
        state.branches = [self.machine(branch, f"branch {i} of '{state.name}'") for i, branch in enumerate(branches)]
        if "Arguments" in body:
            state.arguments = self.template(state.name, body["Arguments"], "Arguments")

    def load_map(self, state: State, body: dict) -> None:
        processor = body.get("ItemProcessor")
        if not isinstance(processor, dict):
            raise InvalidDefinition(f"state '{state.name}': a Map needs an ItemProcessor")
        config = processor.get("ProcessorConfig") or {}
        mode = config.get("Mode", "INLINE")
        if mode not in ("INLINE", "DISTRIBUTED"):
            raise InvalidDefinition(f"state '{state.name}': ProcessorConfig.Mode {mode!r}")
        state.distributed = mode == "DISTRIBUTED"
        state.express_children = state.distributed and config.get("ExecutionType") == "EXPRESS"
        state.processor = self.machine(processor, f"the ItemProcessor of '{state.name}'")
        if "ToleratedFailureCount" in body:
            state.tolerated_count = self.template(state.name, body["ToleratedFailureCount"], "ToleratedFailureCount")
        if "ToleratedFailurePercentage" in body:
            state.tolerated_percentage = self.template(state.name, body["ToleratedFailurePercentage"],
                                                       "ToleratedFailurePercentage")
        if "Items" in body:
            items = body["Items"]
            if not isinstance(items, list) and not (isinstance(items, str) and items.startswith("{%")):
                raise InvalidDefinition(f"state '{state.name}': Items must be an array or a JSONata expression")
            state.items = self.template(state.name, items, "Items")
        if "ItemSelector" in body:
            state.item_selector = self.template(state.name, body["ItemSelector"], "ItemSelector")
        if "MaxConcurrency" in body:
            state.max_concurrency = self.template(state.name, body["MaxConcurrency"], "MaxConcurrency")

    # -- parts --------------------------------------------------------------------------------
    def template(self, state_name: str, value: Any, field_name: str) -> Template:
        try:
            return compile_template(value, field_name)
        except InvalidDefinition as e:
            raise InvalidDefinition(f"state '{state_name}': {e}") from None

    def assign(self, state_name: str, spec: Any, where: str) -> list[tuple[str, Template]]:
        if not isinstance(spec, dict):
            raise InvalidDefinition(f"state '{state_name}': {where} must be a JSON object")
        for name in spec:
            if not name.isidentifier() or name == "states" or len(name) > 80:
                raise InvalidDefinition(f"state '{state_name}': {where} assigns {name!r}, which is not a valid "
                                        f"variable name")
        return [(name, self.template(state_name, value, f"{where}/{name}")) for name, value in spec.items()]

    def array(self, state_name: str, body: dict, key: str) -> list:
        value = body.get(key, [])
        if not isinstance(value, list):
            raise InvalidDefinition(f"state '{state_name}': {key} must be an array")
        return value

    def error_equals(self, state_name: str, spec: Any, where: str) -> list[str]:
        if not isinstance(spec, dict):
            raise InvalidDefinition(f"state '{state_name}': each {where} is a JSON object")
        names = spec.get("ErrorEquals")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise InvalidDefinition(f"state '{state_name}': {where} needs a non-empty ErrorEquals of strings")
        return names

    def retrier(self, state_name: str, spec: Any) -> Retrier:
        retrier = Retrier(self.error_equals(state_name, spec, "Retry"))
        for key in spec:
            if key not in ("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                           "JitterStrategy", "Comment"):
                raise UnsupportedFeature(f"state '{state_name}': field '{key}' of a Retry is not supported")
        numbers = {"IntervalSeconds": "interval_seconds", "MaxAttempts": "max_attempts",
                   "BackoffRate": "backoff_rate", "MaxDelaySeconds": "max_delay_seconds"}
        for key, attribute in numbers.items():
            if key in spec:
                value = spec[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise InvalidDefinition(f"state '{state_name}': Retry {key} must be a non-negative number")
                setattr(retrier, attribute, value)
        jitter = spec.get("JitterStrategy", "NONE")
        if jitter not in ("NONE", "FULL"):
            raise InvalidDefinition(f"state '{state_name}': JitterStrategy must be FULL or NONE")
        retrier.jitter = jitter == "FULL"
        return retrier

    def catcher(self, state_name: str, spec: Any) -> Catcher:
        names = self.error_equals(state_name, spec, "Catch")
        for key in spec:
            if key not in ("ErrorEquals", "Next", "Assign", "Output", "Comment"):
                raise InvalidDefinition(f"state '{state_name}': field '{key}' is not allowed in the Catch of a "
                                        f"JSONata state")
        if not isinstance(spec.get("Next"), str):
            raise InvalidDefinition(f"state '{state_name}': a Catch needs Next")
        return Catcher(names, spec["Next"],
                       self.assign(state_name, spec["Assign"], "Catch.Assign") if "Assign" in spec else None,
                       self.template(state_name, spec["Output"], "Catch.Output") if "Output" in spec else None)


def check_lambda_arguments(state_name: str, arguments: dict) -> None:
    """Raise for lambda:invoke arguments a local call cannot honour."""
    for key in arguments:
        if key not in _LAMBDA_ARGUMENTS:
            raise UnsupportedFeature(f"state '{state_name}': lambda:invoke argument '{key}' is not supported "
                                     f"by pysfn.local (FunctionName, Payload, InvocationType RequestResponse)")
    invocation_type = arguments.get("InvocationType", "RequestResponse")
    if invocation_type != "RequestResponse":  # also an expression: checked again once evaluated
        raise UnsupportedFeature(f"state '{state_name}': lambda:invoke InvocationType {invocation_type!r} is not "
                                 f"supported by pysfn.local (only RequestResponse)")


def check_timeouts(state_name: str, body: dict) -> None:
    """AWS-MEASURED: "TimeoutSeconds is a whole number >= 1, HeartbeatSeconds smaller" (checked
    when both are written as numbers; an expression is evaluated, never enforced, locally)."""
    numbers = {}
    for key in ("TimeoutSeconds", "HeartbeatSeconds"):
        value = body.get(key)
        if value is None or (isinstance(value, str) and value.startswith("{%")):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
            raise InvalidDefinition(f"state '{state_name}': {key} must be a whole number >= 1, not {value!r}")
        numbers[key] = value
    if len(numbers) == 2 and numbers["HeartbeatSeconds"] >= numbers["TimeoutSeconds"]:
        raise InvalidDefinition(f"state '{state_name}': HeartbeatSeconds must be smaller than TimeoutSeconds")
