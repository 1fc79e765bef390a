"""The ASL validator: JSON Schema for the shape, plus the rules a schema cannot say.

``validate(definition)`` returns a list of problems, each prefixed with where it is
(``States.Foo.Next: ...``); ``check(definition)`` raises ``InvalidASL`` with them. The rule
families, each a small function: the graph of every (sub)machine (targets exist, every state
reachable, every path can end), state names (unique across the whole definition, <= 80
characters), fields per query language (JSONPath-only fields in JSONata mode and back),
``{% %}`` expressions, variable names in ``Assign``, ``Retry``/``Catch`` (``States.ALL`` alone
and last), Fail errors, Wait, Map and size limits. pysfn runs it on every machine it compiles.
"""

from __future__ import annotations

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
PREDEFINED_ERRORS = {
    "States.ALL", "States.HeartbeatTimeout", "States.Timeout", "States.TaskFailed", "States.Permissions",
    "States.ResultPathMatchFailure", "States.ParameterPathFailure", "States.QueryEvaluationError",
    "States.BranchFailed", "States.NoChoiceMatched", "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold", "States.ItemReaderFailed", "States.ResultWriterFailed",
    "States.Runtime", "States.DataLimitExceeded",
}
JSONPATH_ONLY = ("InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "ItemsPath",
                 "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath",
                 "HeartbeatSecondsPath", "MaxConcurrencyPath", "Iterator")
JSONATA_ONLY = ("Arguments", "Output", "Items")
EXPRESSION_FIELDS = ("Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp",
                     "Error", "Cause", "TimeoutSeconds", "HeartbeatSeconds")
TERMINAL = ("Succeed", "Fail")


class InvalidASL(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid ASL:\n  " + "\n  ".join(problems))


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(resources.files("pysfn.asl").joinpath("schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _schema_validator(definition: str = "machine"):
    """The validator of one ``$defs`` entry: the machine, or one state type.

    States are checked against their own type's definition (picked by ``Type`` here rather
    than by an if/then chain in the schema, which was most of the compile time).
    """
    schema = _schema()
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def _schema_problems(machine: dict, path: str = "", validator_name: str = "machine") -> list[str]:
    problems = [f"{path}{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in sorted(_schema_validator(validator_name).iter_errors(machine),
                                key=lambda e: list(e.absolute_path))]
    if problems:
        return problems
    for name, state in machine["States"].items():
        at = f"{path}States.{name}."
        problems += [f"{at}{'.'.join(map(str, e.absolute_path)) or '(state)'}: {e.message}"
                     for e in _schema_validator(state["Type"]).iter_errors(state)]
        for i, branch in enumerate(state.get("Branches", [])):
            problems += _schema_problems(branch, f"{at}Branches.{i}.", "branch")
        for field in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(field), dict):
                problems += _schema_problems(state[field], f"{at}{field}.", "branch")
    return problems


def check(definition: dict) -> None:
    problems = validate(definition)
    if problems:
        raise InvalidASL(problems)


def validate(definition: dict) -> list[str]:
    if not isinstance(definition, dict):
        return ["the definition must be a JSON object"]
    problems = _schema_problems(definition)
    if problems:
        return problems  # the rules below assume the shape is right
    size = len(json.dumps(definition, separators=(",", ":")).encode("utf-8"))
    if size > MAX_DEFINITION_BYTES:
        problems.append(f"(top): the definition is {size} bytes; Step Functions allows {MAX_DEFINITION_BYTES}")
    names: dict[str, str] = {}
    _machine(definition, "", definition.get("QueryLanguage", "JSONPath"), names, problems)
    return problems


# --------------------------------------------------------------------------- machines and graphs

def _machine(machine: dict, path: str, language: str, names: dict[str, str], problems: list[str],
             distributed: bool = False) -> None:
    states = machine["States"]
    where = f"{path}StartAt" if path else "StartAt"
    if machine["StartAt"] not in states:
        problems.append(f"{where}: '{machine['StartAt']}' is not a state of this machine")
    for name, state in states.items():
        at = f"{path}States.{name}"
        if name in names:
            problems.append(f"{at}: the state name '{name}' is used again (first at {names[name]}); "
                            "names must be unique in the whole definition")
        names.setdefault(name, at)
        if len(name) > MAX_NAME:
            problems.append(f"{at}: the state name is {len(name)} characters long; at most {MAX_NAME}")
        state_language = state.get("QueryLanguage", language)
        if language == "JSONata" and state_language == "JSONPath":
            problems.append(f"{at}: a JSONPath state inside a JSONata machine is not allowed")
        for rule in (_flow, _fields_for_language, _expressions, _assign, _retry_and_catch, _fail, _wait, _map):
            rule(state, at, state_language, problems)
        for i, branch in enumerate(state.get("Branches", [])):
            _machine(branch, f"{at}.Branches.{i}.", state_language, names, problems)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            mode = processor.get("ProcessorConfig", {}).get("Mode", "INLINE")
            _machine(processor, f"{at}.ItemProcessor.", state_language, names, problems, mode == "DISTRIBUTED")
            if mode == "DISTRIBUTED":
                _no_outer_variables(processor, f"{at}.ItemProcessor", problems)
    _graph(machine, path, problems)


def _targets(state: dict) -> list[tuple[str, str]]:
    """(field, target) for every edge out of a state."""
    edges = []
    if "Next" in state:
        edges.append(("Next", state["Next"]))
    if "Default" in state:
        edges.append(("Default", state["Default"]))
    edges += [(f"Choices.{i}.Next", r["Next"]) for i, r in enumerate(state.get("Choices", []))]
    edges += [(f"Catch.{i}.Next", r["Next"]) for i, r in enumerate(state.get("Catch", []))]
    return edges


def _ends(state: dict) -> bool:
    return state["Type"] in TERMINAL or state.get("End") is True


def _graph(machine: dict, path: str, problems: list[str]) -> None:
    states = machine["States"]
    for name, state in states.items():
        for field, target in _targets(state):
            if target not in states:
                problems.append(f"{path}States.{name}.{field}: '{target}' is not a state of this machine")
    if machine["StartAt"] not in states:
        return
    reachable, stack = set(), [machine["StartAt"]]
    while stack:
        name = stack.pop()
        if name in reachable or name not in states:
            continue
        reachable.add(name)
        stack.extend(t for _, t in _targets(states[name]))
    for name in states:
        if name not in reachable:
            problems.append(f"{path}States.{name}: unreachable from StartAt '{machine['StartAt']}'")
    # Every state must be able to reach an end: walk the edges backwards from the terminal states.
    leads_to: dict[str, list[str]] = {name: [] for name in states}
    for name, state in states.items():
        for _, target in _targets(state):
            if target in leads_to:
                leads_to[target].append(name)
    can_end = {n for n, s in states.items() if _ends(s)}
    stack = list(can_end)
    while stack:
        for pred in leads_to[stack.pop()]:
            if pred not in can_end:
                can_end.add(pred)
                stack.append(pred)
    for name in sorted(reachable - can_end):
        problems.append(f"{path}States.{name}: no path from here reaches an end (End, Succeed or Fail)")


# --------------------------------------------------------------------------- per-state rules

def _flow(state: dict, at: str, language: str, problems: list[str]) -> None:
    kind = state["Type"]
    has_next, has_end = "Next" in state, "End" in state
    if kind in TERMINAL:
        if has_next or has_end:
            problems.append(f"{at}: a {kind} state ends the machine; it takes neither Next nor End")
    elif kind == "Choice":
        if has_next or has_end:
            problems.append(f"{at}: a Choice state cannot have Next or End; use Choices and Default")
    elif has_next == has_end:
        problems.append(f"{at}: a {kind} state needs exactly one of Next and End")
    if kind in TERMINAL and "Assign" in state:
        problems.append(f"{at}: Assign is not allowed on a {kind} state")
    if kind == "Fail" and "Output" in state:
        problems.append(f"{at}: a Fail state has no Output")
    if kind not in ("Task", "Parallel", "Map"):
        for field in ("Retry", "Catch"):
            if field in state:
                problems.append(f"{at}: {field} is only allowed on Task, Parallel and Map states")


def _fields_for_language(state: dict, at: str, language: str, problems: list[str]) -> None:
    if language == "JSONata":
        for field in JSONPATH_ONLY:
            if field in state:
                problems.append(f"{at}: {field} is a JSONPath field; in JSONata mode use Arguments/Output/Assign")
        for i, rule in enumerate(state.get("Choices", [])):
            if "Condition" not in rule:
                problems.append(f"{at}.Choices.{i}: a JSONata Choice rule needs a Condition")
            extra = set(rule) - {"Condition", "Next", "Assign", "Output", "Comment"}
            if extra:
                problems.append(f"{at}.Choices.{i}: JSONPath comparison fields in JSONata mode: {', '.join(sorted(extra))}")
        for i, rule in enumerate(state.get("Catch", [])):
            if "ResultPath" in rule:
                problems.append(f"{at}.Catch.{i}: ResultPath is a JSONPath field; use Output/Assign")
    else:
        for field in JSONATA_ONLY:
            if field in state:
                problems.append(f"{at}: {field} is a JSONata field; this state uses JSONPath")
        for i, rule in enumerate(state.get("Choices", [])):
            if "Condition" in rule:
                problems.append(f"{at}.Choices.{i}: Condition is a JSONata field; this state uses JSONPath")
        for i, rule in enumerate(state.get("Catch", [])):
            if "Output" in rule:
                problems.append(f"{at}.Catch.{i}: Output is a JSONata field; this state uses JSONPath")


def _strings(value, path: str):
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


def _expressions(state: dict, at: str, language: str, problems: list[str]) -> None:
    for where, text in _expression_strings(state, at):
        opens, closes = text.startswith("{%"), text.endswith("%}")
        if opens != closes:
            problems.append(f"{where}: a JSONata expression must be written whole as '{{% ... %}}'")
        elif opens and language != "JSONata":
            problems.append(f"{where}: a '{{% %}}' expression in a JSONPath state")
        elif opens and not text[2:-2].strip():
            problems.append(f"{where}: empty JSONata expression")
    if language == "JSONata":
        for i, rule in enumerate(state.get("Choices", [])):
            condition = rule.get("Condition")
            if isinstance(condition, str) and not (condition.startswith("{%") and condition.endswith("%}")):
                problems.append(f"{at}.Choices.{i}.Condition: must be a '{{% ... %}}' expression")


def _assign(state: dict, at: str, language: str, problems: list[str]) -> None:
    blocks = [(f"{at}.Assign", state.get("Assign"))]
    for kind in ("Choices", "Catch"):
        blocks += [(f"{at}.{kind}.{i}.Assign", r.get("Assign")) for i, r in enumerate(state.get(kind, []))]
    for where, block in blocks:
        for name in (block or {}):
            if not VARIABLE_NAME.fullmatch(name) or len(name) > MAX_NAME or name == "states":
                problems.append(f"{where}: '{name}' is not a valid variable name (a letter or _ then letters, "
                                f"digits, _; at most {MAX_NAME} characters; not 'states')")


def _retry_and_catch(state: dict, at: str, language: str, problems: list[str]) -> None:
    for field in ("Retry", "Catch"):
        rules = state.get(field, [])
        for i, rule in enumerate(rules):
            errors = rule["ErrorEquals"]
            if "States.ALL" in errors and (len(errors) > 1 or i != len(rules) - 1):
                problems.append(f"{at}.{field}.{i}: States.ALL must be alone in ErrorEquals and in the last "
                                f"{'retrier' if field == 'Retry' else 'catcher'}")
            for error in errors:
                if error.startswith("States.") and error not in PREDEFINED_ERRORS:
                    problems.append(f"{at}.{field}.{i}: unknown predefined error '{error}'")


def _fail(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Fail":
        return
    error, cause = state.get("Error"), state.get("Cause")
    if isinstance(error, str) and not error.startswith("{%"):
        if len(error) > MAX_ERROR:
            problems.append(f"{at}.Error: longer than {MAX_ERROR} characters")
        if error.startswith("States.") and error not in PREDEFINED_ERRORS:
            problems.append(f"{at}.Error: custom error names must not start with 'States.'")
    if isinstance(cause, str) and not cause.startswith("{%") and len(cause) > MAX_CAUSE:
        problems.append(f"{at}.Cause: longer than {MAX_CAUSE} characters")


def _wait(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Wait":
        return
    given = [f for f in ("Seconds", "Timestamp", "SecondsPath", "TimestampPath") if f in state]
    if len(given) != 1:
        problems.append(f"{at}: a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath")


def _map(state: dict, at: str, language: str, problems: list[str]) -> None:
    if state["Type"] != "Map":
        return
    if "ItemProcessor" not in state and "Iterator" not in state:
        problems.append(f"{at}: a Map state needs an ItemProcessor")
    if language == "JSONata" and "ItemsPath" in state:
        problems.append(f"{at}: use Items, not ItemsPath, in JSONata mode")


def _no_outer_variables(processor: dict, at: str, problems: list[str]) -> None:
    """A DISTRIBUTED Map's iterations are child executions: they cannot read outer variables."""
    assigned, used, bound = set(), set(), set()
    for state in processor["States"].values():
        assigned.update(state.get("Assign", {}))
        for kind in ("Choices", "Catch"):
            for rule in state.get(kind, []):
                assigned.update(rule.get("Assign", {}))
        for _, text in _expression_strings(state, ""):
            if not text.startswith("{%"):
                continue
            code = _without_strings(text)
            used.update(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)(?!\s*\()", code))  # not $fn(...)
            bound.update(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*:=", code))
            for params in re.findall(r"function\s*\(([^)]*)\)", code):
                bound.update(p.strip().lstrip("$") for p in params.split(","))
    for name in sorted(used - assigned - bound - {"states"}):
        problems.append(f"{at}: a DISTRIBUTED Map cannot read the outer variable '${name}'; pass it in ItemSelector")


def _without_strings(text: str) -> str:
    return re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", "''", text)
