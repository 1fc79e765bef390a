"""pysfn.local runs JSONPath-mode and mixed machines: paths, payload templates, intrinsic functions,
Choice rules and the data flow (InputPath -> Parameters -> ResultSelector -> ResultPath -> OutputPath).

The recorded AWS corpus (tests/test_conformance.py) is the main evidence; these tests pin the
pieces with the awkward values (0.0, -0.0, 1e16, 2**53+1, "", "Straße", "👍", [], None).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from pysfn.cli import cli
from pysfn.local import InvalidDefinition, run_definition
from pysfn.local import jsonpath
from pysfn.local.choice_rules import compile_rule

AWKWARD = [0, 0.0, -0.0, 2.0, 1e16, 1e-7, 0.1 + 0.2, 2 ** 53 + 1, "", "Straße", "👍", [], {}, None, True, False]


def pass_state(**fields):
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, **fields}}}


def output(definition, inp, invoke=None):
    result = run_definition(definition, inp, invoke)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    return result.output


# ---------------------------------------------------------------------------------------------
# Paths

@pytest.mark.parametrize("path, expected", [
    ("$", {"a": [{"b": 1}, {"b": 2}, {"c": 3}], "k-1": "dash", "x": {"y": None}}),
    ("$.a[0].b", 1),
    ("$.a[-1]", {"c": 3}),
    ("$.a[*].b", [1, 2]),
    ("$.a[0:2]", [{"b": 1}, {"b": 2}]),
    ("$..b", [1, 2]),
    ("$.a[?(@.b > 1)]", [{"b": 2}]),
    ("$.a[?(@.c)]", [{"c": 3}]),
    ("$['k-1']", "dash"),
    ("$.k-1", "dash"),
    ("$.x.y", None),
    ("$.missing[*]", []),
])
def test_paths(path, expected):
    data = {"a": [{"b": 1}, {"b": 2}, {"c": 3}], "k-1": "dash", "x": {"y": None}}
    assert jsonpath.parse(path).select(data) == expected


def test_a_definite_path_that_selects_nothing_fails_with_jaywayss_words():
    with pytest.raises(jsonpath.PathNotFound, match=r"No results for path: \$\['a'\]\['z'\]"):
        jsonpath.parse("$.a.z").select({"a": {}})
    with pytest.raises(jsonpath.PathNotFound, match=r"Missing property in path \$\['q'\]"):
        jsonpath.parse("$.q.r").select({"a": {}})


def test_result_path_writes_into_a_copy():
    state_input = {"keep": 1, "deep": {"x": 1}}
    definition = pass_state(Result={"r": True}, ResultPath="$.deep.new.place")
    assert output(definition, state_input) == {"keep": 1, "deep": {"x": 1, "new": {"place": {"r": True}}}}
    assert state_input == {"keep": 1, "deep": {"x": 1}}
    assert output(pass_state(Result=5, ResultPath=None), {"a": 1}) == {"a": 1}
    assert output(pass_state(InputPath=None), {"a": 1}) == {}
    assert output(pass_state(OutputPath=None), {"a": 1}) == {}


def test_input_parameters_result_selector_result_path_output_path():
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "InputPath": "$.job", "Parameters": {"n.$": "$.n", "fixed": "x", "name.$": "$$.State.Name"},
        "ResultSelector": {"doubled.$": "$.n", "all.$": "$"}, "ResultPath": "$.out", "OutputPath": "$.out",
        "End": True}}}
    got = output(definition, {"job": {"n": 2 ** 53 + 1}, "other": 1}, lambda name, payload: {"ok": payload})
    assert got == {"doubled": 2 ** 53 + 1, "all": {"n": 2 ** 53 + 1, "fixed": "x", "name": "T"}}


@pytest.mark.parametrize("item", AWKWARD)
def test_values_pass_through_paths_unchanged(item):
    assert output(pass_state(Parameters={"v.$": "$.v", "w.$": "States.Array($.v)"}), {"v": item}) == \
        {"v": item, "w": [item]}


# ---------------------------------------------------------------------------------------------
# Intrinsic functions

@pytest.mark.parametrize("call, expected", [
    ("States.Format('{} and {}', $.s, $.n)", "Straße and 1.5"),
    ("States.Format('{}', $.o)", "{a=1, b=[x, null]}"),
    ("States.Format('\\\\{\\\\}{}', $.s)", "{}Straße"),
    ("States.StringToJson($.j)", {"k": ["👍"]}),
    ("States.JsonToString($.o)", '{"a":1,"b":["x",null]}'),
    ("States.Array($.n, $.s, $.o.b)", [1.5, "Straße", ["x", None]]),
    ("States.ArrayPartition(States.ArrayRange(1, 5, 1), 2)", [[1, 2], [3, 4], [5]]),
    ("States.ArrayContains($.o.b, null)", True),
    ("States.ArrayGetItem($.o.b, 0)", "x"),
    ("States.ArrayLength($.o.b)", 2),
    ("States.ArrayUnique(States.Array(1, 1.0, true, 'a', 'a'))", [1, True, "a"]),
    ("States.Base64Decode(States.Base64Encode($.s))", "Straße"),
    ("States.Hash($.s, 'MD5')", hashlib.md5("Straße".encode("utf-8")).hexdigest()),
    ("States.JsonMerge($.o, States.StringToJson('{\"a\": 2}'), false)", {"a": 2, "b": ["x", None]}),
    ("States.MathAdd($.n, -0.5)", 2),
    ("States.StringSplit('a, b,,c', ', ')", ["a", "b", "c"]),
])
def test_intrinsics(call, expected):
    inp = {"s": "Straße", "n": 1.5, "o": {"a": 1, "b": ["x", None]}, "j": '{"k": ["👍"]}'}
    assert output(pass_state(Parameters={"r.$": call}), inp)["r"] == expected


def test_intrinsic_failures_and_syntax_errors():
    result = run_definition(pass_state(Parameters={"r.$": "States.ArrayGetItem($.a, 5)"}), {"a": []})
    assert result.error == "States.IntrinsicFailure"
    with pytest.raises(InvalidDefinition):
        run_definition(pass_state(Parameters={"r.$": "States.Format('x'"}), {})
    with pytest.raises(InvalidDefinition):
        run_definition(pass_state(Parameters={"r.$": ["$.a"]}), {})


# ---------------------------------------------------------------------------------------------
# Choice rules

def rule(**spec):
    return compile_rule({"Next": "X", **spec}, "Choices[0]")


def check(predicate, data):
    return predicate(lambda path: path.select(data))


@pytest.mark.parametrize("value", AWKWARD)
def test_choice_operators_never_fail_on_a_type(value):
    data = {"v": value}
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    assert check(rule(Variable="$.v", NumericEquals=0), data) is (numeric and value == 0)
    assert check(rule(Variable="$.v", StringEquals=""), data) is (value == "" and isinstance(value, str))
    assert check(rule(Variable="$.v", IsNull=True), data) is (value is None)
    assert check(rule(Variable="$.v", IsPresent=True), data) is True
    assert check(rule(Variable="$.w", IsPresent=False), data) is True
    assert check(rule(Variable="$.v", IsNumeric=True), data) is numeric
    assert check(rule(Variable="$.v", BooleanEquals=False), data) is (value is False)
    assert check(rule(Variable="$.v", NumericEqualsPath="$.v"), data) is numeric
    assert check(rule(Not={"Variable": "$.w", "StringEquals": "x"}), data) is True


def test_choice_combinators_matches_and_timestamps():
    data = {"s": "Straße", "t": "2024-01-01T00:00:00Z", "u": "2024-01-01T01:00:00+01:00", "n": 1e16}
    assert check(rule(Variable="$.s", StringMatches="Str*e"), data)
    assert not check(rule(Variable="$.s", StringMatches="Str\\*"), data)
    assert check(rule(Variable="$.t", TimestampEqualsPath="$.u"), data)
    assert check(rule(And=[{"Variable": "$.n", "NumericGreaterThan": 1e15},
                           {"Or": [{"Variable": "$.s", "StringLessThan": "T"}, {"Variable": "$.x", "IsPresent": True}]}]),
                 data)
    with pytest.raises(InvalidDefinition):
        rule(Variable="$.s", StringEquals=1)


def test_a_jsonpath_machine_with_choice_assign_and_variables():
    definition = {"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"limit": 3, "who.$": "$.name"}, "Next": "Pick"},
        "Pick": {"Type": "Choice", "Choices": [
            {"Variable": "$limit", "NumericLessThanPath": "$.n", "Next": "Big", "Assign": {"rule": "big"}}],
            "Default": "Small", "Assign": {"rule": "default"}},
        "Big": {"Type": "Pass", "Parameters": {"who.$": "$who", "rule.$": "$rule"}, "End": True},
        "Small": {"Type": "Pass", "Parameters": {"who.$": "$who", "rule.$": "$rule"}, "End": True}}}
    assert output(definition, {"name": "👍", "n": 4}) == {"who": "👍", "rule": "big"}
    assert output(definition, {"name": "", "n": 3}) == {"who": "", "rule": "default"}


def test_mixed_machine_and_catch_result_path():
    definition = {"StartAt": "J", "States": {
        "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"v": "{% $states.input.v * 2 %}"}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "boom", "Payload.$": "$"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}], "End": True},
        "Done": {"Type": "Succeed", "OutputPath": "$"}}}
    got = output(definition, {"v": 0.5}, lambda name, payload: {"errorType": "Oops", "errorMessage": "no"})
    assert got["v"] == 1 and got["error"]["Error"] == "Oops"
    assert json.loads(got["error"]["Cause"]) == {"errorMessage": "no", "errorType": "Oops"}


def test_a_jsonpath_state_inside_a_jsonata_machine_is_invalid():
    with pytest.raises(InvalidDefinition):
        run_definition({"QueryLanguage": "JSONata", "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}}, {})


def test_pysfn_run_definition_runs_a_jsonpath_machine(tmp_path):
    path = tmp_path / "machine.json"
    path.write_text(json.dumps({"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.name)"}, "End": True}}}))
    result = CliRunner().invoke(cli, ["run", "--definition", str(path), "--input", '{"name": "Straße"}'])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"greeting": "hello Straße"}


def test_pysfn_run_prints_half_characters_as_escapes(tmp_path):
    """AWS's UTF-16 strings can split a character above U+FFFF ($split(s, '')): the output line
    escapes the halves instead of failing to encode them."""
    path = tmp_path / "machine.json"
    path.write_text(json.dumps({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": "{% $split('a👍', '') %}", "End": True}}}))
    result = CliRunner().invoke(cli, ["run", "--definition", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ["a", "\ud83d", "\udc4d"]
