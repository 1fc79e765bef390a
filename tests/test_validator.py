"""Our ASL validator against hand-written good and broken machines, and the independent validators
(tests/independent_validators.py: moto's static analyser, statelint) on the good ones."""

import copy
import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from independent_validators import (FALSE_POSITIVES, available, independent_problems, moto_problems,
                                    statelint_problems)
from pysfn.asl import InvalidASL, check, validate

LAMBDA = "arn:aws:states:::lambda:invoke"
FN = "arn:aws:lambda:us-east-1:123456789012:function:work"

JSONATA_MACHINE = {
    "QueryLanguage": "JSONata",
    "Comment": "every state type, JSONata mode",
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Assign": {"count": 0, "items": "{% $states.input.items %}"},
                 "Output": {"n": "{% $states.input.n %}"}, "Next": "Call"},
        "Call": {
            "Type": "Task", "Resource": LAMBDA,
            "Arguments": {"FunctionName": FN, "Payload": {"n": "{% $states.input.n %}", "count": "{% $count %}"}},
            "Output": "{% $states.result.Payload %}",
            "Assign": {"count": "{% $count + 1 %}"},
            "TimeoutSeconds": 300,
            "Retry": [
                {"ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"],
                 "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "MaxDelaySeconds": 60,
                 "JitterStrategy": "FULL"},
                {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0},
            ],
            "Catch": [
                {"ErrorEquals": ["ValueError"], "Next": "Failed",
                 "Assign": {"why": "{% $states.errorOutput.Cause %}"}},
                {"ErrorEquals": ["States.ALL"], "Next": "Failed", "Output": "{% $states.errorOutput %}"},
            ],
            "Next": "Pick",
        },
        "Pick": {
            "Type": "Choice",
            "Choices": [
                {"Condition": "{% $states.input.n > 1 %}", "Next": "Pause", "Assign": {"big": True}},
                {"Condition": "{% $count = 0 %}", "Next": "Both", "Output": {"n": 0}},
            ],
            "Default": "Done",
        },
        "Pause": {"Type": "Wait", "Seconds": "{% $states.input.n %}", "Next": "Both"},
        "Both": {
            "Type": "Parallel",
            "Arguments": {"n": "{% $states.input.n %}"},
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Output": "{% $states.input.n * 2 %}",
                                                        "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Wait", "Timestamp": "2030-01-01T00:00:00Z",
                                                          "End": True}}},
            ],
            "Output": "{% $states.result[0] %}",
            "Catch": [{"ErrorEquals": ["States.BranchFailed"], "Next": "Failed"}],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "Items": "{% $items %}",
            "ItemSelector": {"item": "{% $states.context.Map.Item.Value %}"},
            "MaxConcurrency": 4,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Double",
                "States": {"Double": {"Type": "Pass", "Output": "{% $states.input.item * 2 %}", "End": True}},
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed", "Output": "{% $states.input %}"},
        "Failed": {"Type": "Fail", "Error": "WorkFailed", "Cause": "the work failed"},
    },
}

JSONPATH_MACHINE = {
    "Comment": "the classic query language",
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "fixed": 1}, "ResultPath": "$.args",
                    "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": FN, "Payload.$": "$.args"},
                 "ResultSelector": {"value.$": "$.Payload"}, "ResultPath": "$.result",
                 "TimeoutSecondsPath": "$.timeout",
                 "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
                 "Next": "Pick"},
        "Pick": {"Type": "Choice",
                 "Choices": [{"Variable": "$.result.value", "NumericGreaterThan": 1, "Next": "Pause"},
                             {"And": [{"Variable": "$.n", "IsPresent": True},
                                      {"Not": {"Variable": "$.n", "StringEquals": "x"}}], "Next": "Done"}],
                 "Default": "Done"},
        "Pause": {"Type": "Wait", "SecondsPath": "$.n", "Next": "Each"},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
                 "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}},
                 "ResultPath": None, "Next": "Done"},
        "Done": {"Type": "Succeed", "OutputPath": "$.result"},
        "Failed": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"},
    },
}

MIXED_MACHINE = {
    "Comment": "a JSONPath machine with one JSONata state",
    "StartAt": "Classic",
    "States": {
        "Classic": {"Type": "Pass", "Result": {"n": 2}, "Next": "Modern"},
        "Modern": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.n * 2 %}",
                   "Assign": {"doubled": "{% $states.input.n * 2 %}"}, "End": True},
    },
}

DISTRIBUTED_MACHINE = {
    "QueryLanguage": "JSONata",
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Map", "Items": "{% $states.input.items %}", "MaxConcurrency": 10,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Scale",
                "States": {
                    "Scale": {"Type": "Pass", "Assign": {"factor": 3}, "Next": "Apply"},
                    "Apply": {"Type": "Pass", "End": True,
                              "Output": "{% ($k := $factor; $map([$states.input], function($v) { $v * $k })"
                                        " ~> $string) %}"},
                },
            },
            "End": True,
        },
    },
}

GOOD = {"jsonata": JSONATA_MACHINE, "jsonpath": JSONPATH_MACHINE, "mixed": MIXED_MACHINE,
        "distributed": DISTRIBUTED_MACHINE}
GOLDEN = Path(__file__).parent / "golden" / "analyse_text.asl.json"


# --------------------------------------------------------------------------- good machines

@pytest.mark.parametrize("name", GOOD)
def test_good_machines_pass_our_validator(name):
    assert validate(GOOD[name]) == []
    check(GOOD[name])


@pytest.mark.parametrize("name", [*GOOD, "golden"])
def test_good_machines_pass_the_independent_validators(name):
    if not available():
        pytest.skip("no independent validator installed")
    definition = json.loads(GOLDEN.read_text()) if name == "golden" else GOOD[name]
    assert independent_problems(definition) == []


def test_valid_fields_the_independent_validators_dispute():
    """Valid per the AWS documentation; moto rejects the first two, statelint the last two."""
    definition = changed(DISTRIBUTED_MACHINE, States__Fan__ItemProcessor__ProcessorConfig__ExecutionType="EXPRESS",
                         States__Fan__ToleratedFailurePercentage=5, States__Fan__Label="fan")
    assert validate(definition) == []
    assert validate(changed(definition, States__Fan__ToleratedFailurePercentage=2.5)) == []


def test_moto_analyser_is_there():
    """moto is a test dependency: its analyser must be found, or the check above is empty."""
    assert "moto" in available()


def test_jsonpath_assign_reading_a_variable_is_valid():
    machine = {"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"y": 1}, "Next": "Copy"},
        "Copy": {"Type": "Pass", "Assign": {"x.$": "$y", "z": "$y"}, "End": True}}}
    assert validate(machine) == []
    assert moto_problems(machine) == []


@pytest.mark.parametrize("validator, regex, why", FALSE_POSITIVES)
def test_known_false_positives_still_occur(validator, regex, why):
    """The independent validators' errors we ignore are still theirs (else drop them from the list)."""
    if validator not in available():
        pytest.skip(f"{validator} is not installed")
    machines = [*GOOD.values(), {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"y": 1}, "End": True}}},
                {"QueryLanguage": "JSONata", "StartAt": "C", "States": {
                    "C": {"Type": "Choice", "Choices": [{"Condition": "{% $not($exists($x)) %}", "Next": "D"}], "Default": "D"},
                    "D": {"Type": "Succeed"}}},
                {"QueryLanguage": "JSONata", "StartAt": "W", "States": {
                    "W": {"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": True}}}]
    raw = [p for m in machines for p in statelint_problems(m, raw=True)]
    assert any(re.search(regex, p) for p in raw), why


# --------------------------------------------------------------------------- broken machines

def changed(machine=JSONATA_MACHINE, **edits):
    """A copy of ``machine`` with ``path=value`` edits (path: '__'-separated keys; value DELETE removes)."""
    machine = copy.deepcopy(machine)
    for path, value in edits.items():
        *parents, last = [int(k) if k.isdigit() else k for k in path.split("__")]
        node = machine
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return machine


DELETE = object()


def machine(states, language="JSONata", start=None):
    return {**({"QueryLanguage": language} if language else {}), "StartAt": start or next(iter(states)),
            "States": states}


END = {"Type": "Succeed"}
PASS_END = {"Type": "Pass", "End": True}
TASK = {"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": FN}, "End": True}


def branches(*names_per_branch):
    return [{"StartAt": names[0], "States": {n: dict(PASS_END) for n in names}} for names in names_per_branch]


BROKEN = [
    # the kinds that one independent validator or another misses (ORACLE-NOTES.md)
    ("jsonpath-state-with-condition",
     machine({"Pick": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "Done"}]}, "Done": END},
             language=None),
     "States.Pick.Choices.0: Condition is a JSONata field"),
    ("missing-next-target", changed(States__Init__Next="Nowhere"),
     "States.Init.Next: 'Nowhere' is not a state of this machine"),
    ("missing-default-target", changed(States__Pick__Default="Gone"),
     "States.Pick.Default: 'Gone' is not a state of this machine"),
    ("task-without-resource", changed(States__Call__Resource=DELETE),
     "States.Call: 'Resource' is a required property of a Task state"),
    ("condition-not-an-expression", changed(States__Pick__Choices__0__Condition="$states.input.n > 1"),
     "States.Pick.Choices.0.Condition: must be a '{% ... %}' expression"),
    ("bad-variable-name", changed(States__Init__Assign={"1st": 1}), "'1st' is not a valid variable name"),
    ("variable-name-with-a-dot", changed(States__Init__Assign={"a.b": 1}), "'a.b' is not a valid variable name"),
    ("variable-named-states", changed(States__Init__Assign={"states": 1}), "'states' is not a valid variable name"),
    ("variable-name-too-long", changed(States__Init__Assign={"v" * 81: 1}), "is not a valid variable name"),
    ("bad-variable-name-in-catcher", changed(States__Call__Catch__0__Assign={"bad-name": 1}),
     "States.Call.Catch.0.Assign: 'bad-name' is not a valid variable name"),
    # graph
    ("start-at-missing", changed(StartAt="Nope"), "StartAt: 'Nope' is not a state of this machine"),
    ("unreachable-state", changed(States__Orphan=dict(PASS_END)), "States.Orphan: unreachable from StartAt"),
    ("dead-end-cycle",
     machine({"Pick": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input %}", "Next": "Done"}],
                       "Default": "Spin"},
              "Spin": {"Type": "Pass", "Next": "Spin2"}, "Spin2": {"Type": "Pass", "Next": "Spin"}, "Done": END}),
     "States.Spin: no path from here reaches an end"),
    ("next-into-another-branch",
     changed(States__Both__Branches__0__States__Left={"Type": "Pass", "Next": "Right"}),
     "States.Both.Branches.0.States.Left.Next: 'Right' is not a state of this machine"),
    ("catch-next-out-of-a-map",
     changed(States__Each__ItemProcessor__States__Double={
         **TASK, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]}),
     "States.Each.ItemProcessor.States.Double.Catch.0.Next: 'Done' is not a state of this machine"),
    # names
    ("duplicate-names-across-branches", changed(States__Both__Branches=branches(["Work"], ["Work"])),
     "the state name 'Work' is used again (first at States.Both.Branches.0.States.Work)"),
    ("duplicate-name-in-map-and-top", changed(States__Each__ItemProcessor__StartAt="Done",
                                              States__Each__ItemProcessor__States={"Done": dict(PASS_END)}),
     "the state name 'Done' is used again"),
    ("name-too-long", machine({"S" * 81: END}), "the state name is 81 characters long"),
    # flow
    ("choice-with-end", changed(States__Pick__End=True), "States.Pick: 'End' is not allowed in a Choice state"),
    ("choice-without-rules", changed(States__Pick__Choices=[]), "States.Pick.Choices: [] should be non-empty"),
    ("next-and-end", changed(States__Init__End=True), "States.Init: a Pass state needs exactly one of Next and End"),
    ("neither-next-nor-end", changed(States__Call__Next=DELETE),
     "States.Call: a Task state needs exactly one of Next and End"),
    ("succeed-with-next", changed(States__Done__Next="Init"), "'Next' is not allowed in a Succeed state"),
    ("fail-with-output", changed(States__Failed__Output={"x": 1}), "States.Failed: 'Output' is not allowed in a Fail state"),
    ("assign-on-succeed", changed(States__Done__Assign={"x": 1}), "'Assign' is not allowed in a Succeed state"),
    ("unknown-state-type", changed(States__Init__Type="Sleep"), "States.Init.Type: 'Sleep' is not one of"),
    ("unknown-field", changed(States__Call__Timeout=3), "States.Call: 'Timeout' is not allowed in a Task state"),
    # errors
    ("retry-on-a-pass", changed(States__Init__Retry=[{"ErrorEquals": ["States.ALL"]}]),
     "States.Init: 'Retry' is not allowed in a Pass state"),
    ("states-all-not-last", changed(States__Call__Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Failed"},
                                                         {"ErrorEquals": ["ValueError"], "Next": "Failed"}]),
     "States.Call.Catch.0: States.ALL must be alone in ErrorEquals and in the last catcher"),
    ("states-all-not-alone", changed(States__Call__Retry=[{"ErrorEquals": ["States.ALL", "ValueError"]}]),
     "States.Call.Retry.0: States.ALL must be alone"),
    ("empty-error-name", changed(States__Call__Retry__0__ErrorEquals=[""]), "States.Call.Retry.0.ErrorEquals.0:"),
    ("empty-error-equals", changed(States__Call__Retry__0__ErrorEquals=[]), "States.Call.Retry.0.ErrorEquals:"),
    ("unknown-predefined-error", changed(States__Call__Retry__0__ErrorEquals=["States.Oops"]),
     "unknown predefined error 'States.Oops'"),
    ("interval-zero", changed(States__Call__Retry__0__IntervalSeconds=0), "less than the minimum of 1"),
    ("interval-not-int", changed(States__Call__Retry__0__IntervalSeconds=1.5), "is not of type 'integer'"),
    ("backoff-below-one", changed(States__Call__Retry__0__BackoffRate=0.5), "less than the minimum of 1"),
    ("negative-max-attempts", changed(States__Call__Retry__0__MaxAttempts=-1), "less than the minimum of 0"),
    ("bad-jitter", changed(States__Call__Retry__0__JitterStrategy="SOME"), "'SOME' is not one of"),
    ("custom-error-named-states", changed(States__Failed__Error="States.MyError"),
     "States.Failed.Error: custom error names must not start with 'States.'"),
    ("error-too-long", changed(States__Failed__Error="E" * 257), "States.Failed.Error: longer than 256"),
    ("cause-too-long", changed(States__Failed__Cause="c" * 32769), "States.Failed.Cause: longer than 32768"),
    # query languages
    ("jsonpath-field-in-jsonata", changed(States__Call__ResultPath="$.r"),
     "States.Call: ResultPath is a JSONPath field, not allowed in JSONata mode"),
    ("items-path-in-jsonata", changed(States__Each__ItemsPath="$.items"), "States.Each: ItemsPath is a JSONPath field"),
    ("seconds-path-in-jsonata", changed(States__Pause__SecondsPath="$.n", States__Pause__Seconds=DELETE),
     "States.Pause: SecondsPath is a JSONPath field"),
    ("catcher-result-path-in-jsonata", changed(States__Call__Catch__0__ResultPath="$.e"),
     "States.Call.Catch.0: ResultPath is a JSONPath field"),
    ("jsonpath-rule-in-jsonata",
     changed(States__Pick__Choices__0={"Variable": "$.n", "NumericEquals": 1, "Next": "Pause"}),
     "States.Pick.Choices.0: a JSONata Choice rule needs a Condition"),
    ("jsonata-field-in-jsonpath", changed(JSONPATH_MACHINE, States__Prepare__Output={"x": 1}),
     "States.Prepare: Output is a JSONata field, not allowed in JSONPath mode"),
    ("expression-in-jsonpath", changed(JSONPATH_MACHINE, States__Failed={"Type": "Fail", "Error": "{% 'E' %}"}),
     "States.Failed.Error: a '{% %}' expression in a JSONPath state"),
    ("jsonpath-state-in-jsonata-machine", changed(States__Init__QueryLanguage="JSONPath"),
     "States.Init: a JSONPath state cannot be inside a JSONata machine"),
    # expressions
    ("unclosed-expression", changed(States__Call__Arguments__Payload__n="{% $states.input.n"),
     "States.Call.Arguments.Payload.n: a JSONata expression must be written whole"),
    ("unopened-expression", changed(States__Done__Output="$states.input %}"),
     "States.Done.Output: a JSONata expression must be written whole"),
    ("empty-expression", changed(States__Init__Output="{%  %}"), "States.Init.Output: empty JSONata expression"),
    ("arguments-plain-string", changed(States__Call__Arguments="hello"),
     "States.Call.Arguments: must be an object or a '{% ... %}' expression"),
    ("seconds-plain-string", changed(States__Pause__Seconds="10"),
     "States.Pause.Seconds: '10' is not an integer from 0 to 99999999 or a '{% %}' expression"),
    # Wait, Map
    ("wait-with-two-durations", changed(States__Pause__Timestamp="2030-01-01T00:00:00Z"),
     "States.Pause: a Wait state needs exactly one of Seconds, Timestamp"),
    ("wait-without-duration", changed(States__Pause__Seconds=DELETE), "(has none)"),
    ("map-without-processor", changed(States__Each__ItemProcessor=DELETE), "States.Each: a Map state needs an ItemProcessor"),
    ("distributed-map-reads-outer-variable",
     changed(DISTRIBUTED_MACHINE, States__Fan__ItemProcessor__States__Scale__Assign={"k": "{% $limit + 1 %}"}),
     "cannot read the outer variable '$limit'"),
    ("distributed-map-without-execution-type",
     changed(DISTRIBUTED_MACHINE, States__Fan__ItemProcessor__ProcessorConfig={"Mode": "DISTRIBUTED"}),
     "a DISTRIBUTED Map needs an ExecutionType"),
    # the whole definition
    ("no-start-at", changed(StartAt=DELETE), "(top): 'StartAt' is a required property of a state machine"),
    ("no-states", changed(States={}), "States:"),
    ("unknown-top-level-field", changed(Version2="1.0"), "'Version2' is not allowed in a state machine"),
    ("too-large", changed(States__Init__Assign={f"v{i}": "x" * 1000 for i in range(1001)}),
     "(top): the definition is"),
]


@pytest.mark.parametrize("definition, expected", [pytest.param(d, e, id=i) for i, d, e in BROKEN])
def test_broken_machines_are_rejected(definition, expected):
    problems = validate(definition)
    assert any(expected in p for p in problems), problems
    with pytest.raises(InvalidASL) as caught:
        check(definition)
    assert caught.value.problems == problems


def test_broken_table_is_big_enough_and_distinct():
    assert len(BROKEN) >= 20
    assert len({name for name, _, _ in BROKEN}) == len(BROKEN)


@pytest.mark.parametrize("definition", [pytest.param(d, id=i) for i, d, _ in BROKEN])
def test_every_problem_says_where(definition):
    for problem in validate(definition):
        assert re.match(r"^(\(top\)|[^\s:]+|States\.[^:]+): ", problem), problem


def test_not_an_object():
    assert validate([]) == ["(top): the definition must be a JSON object"]


# --------------------------------------------------------------------------- details

def test_distributed_scan_ignores_functions_bindings_and_states():
    """`$fo` is not read from `$foo(`; functions, := and parameters are not outer variables."""
    text = "{% ($x := 1; $foo($x) ~> $map(function($v) { $v + $x }) ~> $string; $states.input) %}"
    definition = changed(DISTRIBUTED_MACHINE, States__Fan__ItemProcessor__States__Apply__Output=text)
    assert validate(definition) == []


def test_inline_map_may_read_outer_variables():
    definition = changed(DISTRIBUTED_MACHINE, States__Fan__ItemProcessor__ProcessorConfig={"Mode": "INLINE"},
                         States__Fan__ItemProcessor__States__Scale__Assign={"k": "{% $limit %}"})
    assert validate(definition) == []


def test_all_problems_are_reported_at_once():
    definition = changed(States__Init__Next="Nowhere", States__Init__Assign={"1x": 1},
                         States__Failed__Error="States.Mine")
    assert len(validate(definition)) >= 3


# --------------------------------------------------------------------------- the schema on its own

def standalone_schema():
    return json.loads(resources.files("pysfn.asl").joinpath("schema.json").read_text())


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = standalone_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", GOOD)
def test_schema_alone_accepts_good_machines(name):
    jsonschema.validate(GOOD[name], standalone_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("case", ["choice-with-end", "retry-on-a-pass", "fail-with-output", "task-without-resource",
                                  "interval-zero", "seconds-plain-string"])
def test_schema_alone_checks_every_state_type(case):
    definition = next(d for i, d, _ in BROKEN if i == case)
    assert not jsonschema.Draft202012Validator(standalone_schema()).is_valid(definition)


def test_schema_alone_checks_nested_states():
    definition = changed(States__Both__Branches__0__States__Left__Retry=[{"ErrorEquals": ["E"]}])
    assert not jsonschema.Draft202012Validator(standalone_schema()).is_valid(definition)
    assert any("Branches.0.States.Left: 'Retry' is not allowed" in p for p in validate(definition))
