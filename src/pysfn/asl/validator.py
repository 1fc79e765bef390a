"""The ASL validator: JSON Schema for the shape, plus the rules a schema cannot say.

``validate(definition)`` returns a list of problems, each prefixed with where it is
(``States.Foo.Next: ...``; nested machines read ``States.Par.Branches.0.States.Foo``), and is
empty for a valid definition; ``check(definition)`` raises ``InvalidASL`` carrying them.

1. Shape: ``schema.json`` (JSON Schema 2020-12): the fields each state type may carry and their
   types and ranges. If the shape is wrong, only those problems are reported: the rules below
   assume it.
2. Rules, one small function per family, for the top machine and every nested one (each Parallel
   branch and Map processor is its own namespace for ``Next`` targets):

   * graph: ``StartAt`` and every ``Next``/``Default``/``Catch.Next`` name a state of the same
     (sub)machine; every state is reachable; every reachable state can reach an end;
   * names: unique across the whole definition, 1 to 80 characters;
   * flow: exactly one of ``Next``/``End`` (Choice, Succeed and Fail have neither);
   * query language (the state's own or inherited; default JSONPath): no JSONPath-only field in
     JSONata mode, no JSONata-only field in JSONPath mode, Choice rules to match, no JSONPath
     state inside a JSONata machine;
   * expressions: a string starting ``{%`` ends ``%}`` and back, and only in JSONata mode;
   * variables: ``Assign`` keys are valid names; a DISTRIBUTED Map reads no outer variable;
   * errors: ``States.ALL`` alone and last; ``States.*`` names must be predefined; Fail ``Error``
     and ``Cause`` lengths;
   * Wait takes exactly one of its four fields; a Map needs an ``ItemProcessor``;
   * size: the compact JSON is at most 1 MB.

pysfn runs it on every machine it compiles, so it is written to be quick on large machines:
each state is checked against its own type's schema (chosen here by ``Type``) rather than
through the schema's ``if``/``then`` dispatch.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from importlib import resources

import jsonschema

MAX_NAME = 80
MAX_DEFINITION_BYTES = 1_000_000
MAX_ERROR = 256
MAX_CAUSE = 32_768
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
TERMINAL = ("Succeed", "Fail")
PREDEFINED_ERRORS = {
    "States.ALL", "States.HeartbeatTimeout", "States.Timeout", "States.TaskFailed", "States.Permissions",
    "States.ResultPathMatchFailure", "States.ParameterPathFailure", "States.QueryEvaluationError",
    "States.BranchFailed", "States.NoChoiceMatched", "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold", "States.ItemReaderFailed", "States.ResultWriterFailed",
    "States.Runtime", "States.DataLimitExceeded", "States.Http.Socket",
}
# JSONPath-only state fields, with what to use instead in JSONata mode.
JSONPATH_ONLY = {
    "InputPath": "read $states.input in Arguments/Output", "Parameters": "use Arguments (ItemSelector in a Map)",
    "ResultSelector": "use Output", "ResultPath": "use Output or Assign", "OutputPath": "use Output",
    "Result": "use Output", "ItemsPath": "use Items", "Iterator": "use ItemProcessor",
    "SecondsPath": "use Seconds", "TimestampPath": "use Timestamp", "ErrorPath": "use Error",
    "CausePath": "use Cause", "TimeoutSecondsPath": "use TimeoutSeconds",
    "HeartbeatSecondsPath": "use HeartbeatSeconds", "MaxConcurrencyPath": "use MaxConcurrency",
    "ToleratedFailurePercentagePath": "use ToleratedFailurePercentage",
    "ToleratedFailureCountPath": "use ToleratedFailureCount",
}
JSONATA_ONLY = ("Arguments", "Output", "Items")
JSONATA_RULE_FIELDS = {"Condition", "Next", "Assign", "Output", "Comment"}
EXPRESSION_FIELDS = ("Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp",
                     "Error", "Cause", "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency",
                     "ToleratedFailurePercentage", "ToleratedFailureCount")
# JSONata (and Step Functions) functions, which may be passed by name: `$map($xs, $string)`.
JSONATA_FUNCTIONS = set("""
    sum count max min average string substring substringBefore substringAfter lowercase uppercase length
    trim pad contains split join match replace now millis fromMillis toMillis formatNumber formatBase
    formatInteger parseInteger number abs floor ceil round power sqrt random boolean not exists keys
    lookup spread merge sift each error assert type sort reverse shuffle distinct zip append map filter
    single reduce encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl base64encode base64decode
    partition range hash uuid parse
""".split())


class InvalidASL(Exception):
    """A definition failed validation; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid ASL:\n  " + "\n  ".join(problems))


def check(definition: dict) -> None:
    """Raise ``InvalidASL`` unless ``definition`` is a valid state machine."""
    problems = validate(definition)
    if problems:
        raise InvalidASL(problems)


def validate(definition: dict) -> list[str]:
    """Every problem of ``definition``, each prefixed with where it is; empty when valid."""
    if not isinstance(definition, dict):
        return ["(top): the definition must be a JSON object"]
    from pysfn.strict_json import MAX_DEPTH, value_depth  # the checks below recurse: bound the depth first
    if value_depth(definition) > MAX_DEPTH:
        return [f"(top): the definition is nested more than {MAX_DEPTH} levels deep"]
    problems = _schema_problems(definition, "", "machine")
    if problems:
        return problems  # the rules below assume the shape is right
    size = len(json.dumps(definition, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_DEFINITION_BYTES:
        problems.append(f"(top): the definition is {size} bytes; Step Functions allows {MAX_DEFINITION_BYTES}")
    _machine(definition, "", definition.get("QueryLanguage", "JSONPath"), {}, problems)
    return problems


def _at(*parts) -> str:
    return ".".join(str(p) for p in parts if p != "")


# --------------------------------------------------------------------------- the schema

@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(resources.files("pysfn.asl").joinpath("schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _schema_validator(name: str) -> jsonschema.Draft202012Validator:
    """The validator of one ``$defs`` entry, which stops at the next nested object to check.

    ``state`` only checks ``Type``, and a state type's definition only checks that branches
    and processors are objects: ``_schema_problems`` checks each of those with its own validator.
    """
    defs = copy.deepcopy(_schema()["$defs"])
    defs["state"].pop("allOf")
    for kind in STATE_TYPES:
        fields = defs[kind]["properties"]
        if "Branches" in fields:
            fields["Branches"]["items"] = {"type": "object"}
        for field in ("ItemProcessor", "Iterator"):
            if field in fields:
                fields[field] = {"type": "object"}
    return jsonschema.Draft202012Validator({**_inline(defs[name], defs), "$defs": defs})


def _inline(schema, defs: dict):
    """``schema`` with its ``$ref``s replaced by their targets (resolving them is most of the time)."""
    if isinstance(schema, list):
        return [_inline(s, defs) for s in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/") and ref[8:] != "jsonPathCondition":  # the one recursive definition
        return _inline(defs[ref[8:]], defs)
    return {k: _inline(v, defs) for k, v in schema.items()}


def _schema_problems(machine: dict, path: str, name: str) -> list[str]:
    problems = _schema_errors(name, machine, path)
    if problems:
        return problems
    for state_name, state in machine["States"].items():
        at = _at(path, "States", state_name)
        state_problems = _schema_errors(state["Type"], state, at)
        problems += state_problems
        if state_problems:
            continue
        for i, branch in enumerate(state.get("Branches", [])):
            problems += _schema_problems(branch, _at(at, "Branches", i), "branch")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                problems += _schema_problems(state[field], _at(at, field), "processor")
    return problems


def _schema_errors(name: str, instance: dict, path: str) -> list[str]:
    errors = sorted(_schema_validator(name).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_at(path, *e.absolute_path) or '(top)'}: {_message(e)}" for e in errors]


def _message(error: jsonschema.ValidationError) -> str:
    title = error.schema.get("title", "this object") if isinstance(error.schema, dict) else "this object"
    if error.validator == "additionalProperties":
        known, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
        extra = [k for k in error.instance if k not in known and not any(re.search(p, k) for p in patterns)]
        return "; ".join(f"'{k}' is not allowed in {title}{_hint(title, k)}" for k in extra)
    if error.validator == "required":
        return f"{error.message} of {title}"
    if error.validator == "anyOf":
        return f"{error.instance!r} is not " + " or ".join(s.get("title", "valid") for s in error.validator_value)
    return error.message


def _hint(title: str, field: str) -> str:
    if field in ("Retry", "Catch"):
        return " (only Task, Parallel and Map states have Retry and Catch)"
    if field in ("Next", "End") and title == "a Choice state":
        return " (a Choice state goes on through its Choices and Default)"
    if field in ("Next", "End") and title in ("a Succeed state", "a Fail state"):
        return " (it ends the machine)"
    return ""


# --------------------------------------------------------------------------- machines and graphs

def _machine(machine: dict, path: str, language: str, names: dict[str, str], problems: list[str]) -> None:
    for name, state in machine["States"].items():
        at = _at(path, "States", name)
        _name(name, at, names, problems)
        state_language = state.get("QueryLanguage", language)
        if language == "JSONata" and state_language == "JSONPath":
            problems.append(f"{at}: a JSONPath state cannot be inside a JSONata machine or state")
        for rule in (_flow, _fields_for_language, _expressions, _assign, _retry_and_catch, _fail, _wait, _map):
            rule(state, at, state_language, problems)
        for i, branch in enumerate(state.get("Branches", [])):
            _machine(branch, _at(at, "Branches", i), state_language, names, problems)
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                _machine(state[field], _at(at, field), state_language, names, problems)
                if state[field].get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED":
                    _no_outer_variables(state[field], _at(at, field), problems)
    _graph(machine, path, problems)


def _name(name: str, at: str, names: dict[str, str], problems: list[str]) -> None:
    if name in names:
        problems.append(f"{at}: the state name '{name}' is used again (first at {names[name]}); "
                        "names must be unique in the whole definition")
    names.setdefault(name, at)
    if not 1 <= len(name) <= MAX_NAME:
        problems.append(f"{at}: the state name is {len(name)} characters long; it must be 1 to {MAX_NAME}")


def _targets(state: dict) -> list[tuple[str, str]]:
    """(field, target) for every edge out of a state."""
    edges = [(field, state[field]) for field in ("Next", "Default") if field in state]
    edges += [(f"Choices.{i}.Next", r["Next"]) for i, r in enumerate(state.get("Choices", []))]
    edges += [(f"Catch.{i}.Next", r["Next"]) for i, r in enumerate(state.get("Catch", []))]
    return edges


def _graph(machine: dict, path: str, problems: list[str]) -> None:
    states, start = machine["States"], machine["StartAt"]
    missing = [] if start in states else [f"{_at(path, 'StartAt')}: '{start}' is not a state of this machine"]
    for name, state in states.items():
        for field, target in _targets(state):
            if target not in states:
                missing.append(f"{_at(path, 'States', name, field)}: '{target}' is not a state of this machine")
    if missing:
        problems += missing  # what is unreachable or cannot end follows from these: not reported
        return
    reachable = _closure({start}, lambda n: [t for _, t in _targets(states[n])])
    for name in states:
        if name not in reachable:
            problems.append(f"{_at(path, 'States', name)}: unreachable from StartAt '{start}'")
    leads_here: dict[str, list[str]] = {name: [] for name in states}
    for name, state in states.items():
        for _, target in _targets(state):
            if target in leads_here:
                leads_here[target].append(name)
    ends = {n for n, s in states.items() if s["Type"] in TERMINAL or s.get("End") is True}
    can_end = _closure(ends, lambda n: leads_here[n])
    for name in sorted(reachable - can_end):
        problems.append(f"{_at(path, 'States', name)}: no path from here reaches an end (End, Succeed or Fail)")


def _closure(start: set[str], successors) -> set[str]:
    seen, stack = set(start), list(start)
    while stack:
        for nxt in successors(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


# --------------------------------------------------------------------------- per-state rules

def _flow(state: dict, at: str, language: str, problems: list[str]) -> None:
    kind = state["Type"]
    if kind not in ("Choice", *TERMINAL) and ("Next" in state) == ("End" in state):
        problems.append(f"{at}: a {kind} state needs exactly one of Next and End")


def _fields_for_language(state: dict, at: str, language: str, problems: list[str]) -> None:
    rules = [(f"{at}.Choices.{i}", rule) for i, rule in enumerate(state.get("Choices", []))]
    catchers = [(f"{at}.Catch.{i}", rule) for i, rule in enumerate(state.get("Catch", []))]
    if language == "JSONata":
        for field, instead in JSONPATH_ONLY.items():
            if field in state:
                problems.append(f"{at}: {field} is a JSONPath field, not allowed in JSONata mode; {instead}")
        for where, rule in rules:
            if "Condition" not in rule:
                problems.append(f"{where}: a JSONata Choice rule needs a Condition")
            extra = sorted(set(rule) - JSONATA_RULE_FIELDS)
            if extra:
                problems.append(f"{where}: JSONPath Choice fields in JSONata mode: {', '.join(extra)}")
        for where, rule in catchers:
            if "ResultPath" in rule:
                problems.append(f"{where}: ResultPath is a JSONPath field; use Output or Assign")
    else:
        for field in JSONATA_ONLY:
            if field in state:
                problems.append(f"{at}: {field} is a JSONata field, not allowed in JSONPath mode")
        for where, rule in rules:
            for field in ("Condition", "Output"):
                if field in rule:
                    problems.append(f"{where}: {field} is a JSONata field, not allowed in JSONPath mode")
            if not {"Variable", "And", "Or", "Not"} & set(rule):
                problems.append(f"{where}: a JSONPath Choice rule needs Variable, And, Or or Not")
        for where, rule in catchers:
            if "Output" in rule:
                problems.append(f"{where}: Output is a JSONata field, not allowed in JSONPath mode")


def _strings(value, path: str):
    """(path, string) for every string in a JSON value, recursively."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}.{i}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")


def _expression_strings(state: dict, at: str):
    for field in EXPRESSION_FIELDS:
        if field in state:
            yield from _strings(state[field], f"{at}.{field}")
    for kind in ("Choices", "Catch"):
        for i, rule in enumerate(state.get(kind, [])):
            for field in ("Condition", "Output", "Assign"):
                if field in rule:
                    yield from _strings(rule[field], f"{at}.{kind}.{i}.{field}")


def _is_expression(value) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def _expressions(state: dict, at: str, language: str, problems: list[str]) -> None:
    for where, text in _expression_strings(state, at):
        opens, closes = text.startswith("{%"), text.endswith("%}")
        if opens != closes:
            problems.append(f"{where}: a JSONata expression must be written whole as '{{% ... %}}'")
        elif opens and language != "JSONata":
            problems.append(f"{where}: a '{{% %}}' expression in a JSONPath state")
        elif opens and not text[2:-2].strip():
            problems.append(f"{where}: empty JSONata expression")
    if isinstance(state.get("Arguments"), str) and not _is_expression(state["Arguments"]):
        problems.append(f"{at}.Arguments: must be an object or a '{{% ... %}}' expression")
    if language == "JSONata":
        for i, rule in enumerate(state.get("Choices", [])):
            if isinstance(rule.get("Condition"), str) and not _is_expression(rule["Condition"]):
                problems.append(f"{at}.Choices.{i}.Condition: must be a '{{% ... %}}' expression")


def _assign(state: dict, at: str, language: str, problems: list[str]) -> None:
    blocks = [(f"{at}.Assign", state.get("Assign"))]
    for kind in ("Choices", "Catch"):
        blocks += [(f"{at}.{kind}.{i}.Assign", r.get("Assign")) for i, r in enumerate(state.get(kind, []))]
    for where, block in blocks:
        for key in block or {}:
            name = key[:-2] if language == "JSONPath" and key.endswith(".$") else key
            if not VARIABLE_NAME.fullmatch(name) or len(name) > MAX_NAME or name == "states":
                problems.append(f"{where}: '{name}' is not a valid variable name (a letter or _ then letters, "
                                f"digits or _; at most {MAX_NAME} characters; not 'states')")


def _retry_and_catch(state: dict, at: str, language: str, problems: list[str]) -> None:
    for field, what in (("Retry", "retrier"), ("Catch", "catcher")):
        rules = state.get(field, [])
        for i, rule in enumerate(rules):
            errors = rule["ErrorEquals"]
            if "States.ALL" in errors and (len(errors) > 1 or i != len(rules) - 1):
                problems.append(f"{at}.{field}.{i}: States.ALL must be alone in ErrorEquals and in the last {what}")
            for error in errors:
                if error.startswith("States.") and error not in PREDEFINED_ERRORS:
                    problems.append(f"{at}.{field}.{i}: unknown predefined error '{error}'")


def _fail(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Fail":
        return
    error, cause = state.get("Error"), state.get("Cause")
    if isinstance(error, str) and not _is_expression(error):
        if len(error) > MAX_ERROR:
            problems.append(f"{at}.Error: longer than {MAX_ERROR} characters")
        if error.startswith("States.") and error not in PREDEFINED_ERRORS:
            problems.append(f"{at}.Error: custom error names must not start with 'States.'")
    if isinstance(cause, str) and not _is_expression(cause) and len(cause) > MAX_CAUSE:
        problems.append(f"{at}.Cause: longer than {MAX_CAUSE} characters")


def _wait(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Wait":
        return
    given = [f for f in ("Seconds", "Timestamp", "SecondsPath", "TimestampPath") if f in state]
    if len(given) != 1:
        problems.append(f"{at}: a Wait state needs exactly one of Seconds, Timestamp, SecondsPath and "
                        f"TimestampPath (has {', '.join(given) or 'none'})")


def _map(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Map":
        return
    if "ItemProcessor" not in state and "Iterator" not in state:
        problems.append(f"{at}: a Map state needs an ItemProcessor")
    config = state.get("ItemProcessor", {}).get("ProcessorConfig", {})
    if config.get("Mode") == "DISTRIBUTED" and "ExecutionType" not in config:
        problems.append(f"{at}.ItemProcessor.ProcessorConfig: a DISTRIBUTED Map needs an ExecutionType")


# --------------------------------------------------------------------------- DISTRIBUTED Map

def _all_states(machine: dict):
    for state in machine["States"].values():
        yield state
        for branch in state.get("Branches", []):
            yield from _all_states(branch)
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                yield from _all_states(state[field])


def _no_outer_variables(processor: dict, at: str, problems: list[str]) -> None:
    """A DISTRIBUTED Map's iterations are child executions: they cannot read outer variables.

    A simple scan: every ``$name`` in a ``{% %}`` expression inside the processor must be
    assigned inside it, bound in the expression (``:=``, function parameters), a function, or
    ``$states``.
    """
    assigned, used, bound = set(), set(), set()
    for state in _all_states(processor):
        assigned.update(state.get("Assign", {}))
        for kind in ("Choices", "Catch"):
            for rule in state.get(kind, []):
                assigned.update(rule.get("Assign", {}))
        for _, text in _expression_strings(state, ""):
            if not _is_expression(text):
                continue
            code = _without_strings(text)
            used.update(re.findall(r"\$([A-Za-z_]\w*)\b(?!\s*\()", code))  # not a call $fn(...)
            bound.update(re.findall(r"\$([A-Za-z_]\w*)\s*:=", code))
            for params in re.findall(r"function\s*\(([^)]*)\)", code):
                bound.update(p.strip().lstrip("$") for p in params.split(","))
    for name in sorted(used - assigned - bound - JSONATA_FUNCTIONS - {"states"}):
        problems.append(f"{at}: a DISTRIBUTED Map cannot read the outer variable '${name}'; pass it in ItemSelector")


def _without_strings(text: str) -> str:
    return re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", "''", text)
