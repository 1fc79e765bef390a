"""The oracle's two JSONata engines, and its patches of moto's deviations from AWS (tests/oracle.py).

Every patch test runs under both engines (jsonata-python, and npm jsonata 2.0.6 in a Node worker):
a patch of moto must hold whichever engine evaluates the expressions.
"""

from __future__ import annotations

import math

import jsonata
import pytest

import jsonata_js_engine
import oracle

pytestmark = pytest.mark.oracle


@pytest.fixture(params=oracle.ENGINES)
def engine(request):
    before = oracle.engine()
    oracle.use_engine(request.param)
    yield request.param
    oracle.use_engine(before)


def machine(states: dict) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states}


def echo(function_name, payload):
    return {"ok": payload}


def output(definition, inp=None, invoke=echo):
    result = oracle.execute(definition, inp, invoke)
    assert result["status"] == "SUCCEEDED", result
    return result["output"]


def one_expression(text: str, inp=None):
    return output(machine({"A": {"Type": "Pass", "Output": "{% " + text + " %}", "End": True}}), inp)


# -- the engines -----------------------------------------------------------------------------------

def test_engine_selection_reaches_the_node_worker():
    before = oracle.engine()
    calls = []
    original = jsonata_js_engine._worker.request
    jsonata_js_engine._worker.request = lambda request: (calls.append(request), original(request))[1]
    try:
        oracle.use_engine("js")
        assert one_expression("1 + 1") == 2
        oracle.use_engine("python")
        assert one_expression("2 + 2") == 4
    finally:
        jsonata_js_engine._worker.request = original
        oracle.use_engine(before)
    assert any("1 + 1" in request.get("expr", "") for request in calls)
    assert not any("2 + 2" in request.get("expr", "") for request in calls)


def test_unknown_engine_is_refused():
    with pytest.raises(AssertionError):
        oracle.use_engine("java")


def test_reference_implementation_is_the_pinned_version():
    assert jsonata_js_engine.version() == jsonata_js_engine.VERSION == "2.0.6"


@pytest.mark.parametrize("expression, expected", [
    ("1 + 2", 3), ("'a' & 'b'", "ab"), ("[1, [2]]", [1, [2]]), ("{'k': null}", {"k": None}),
    ("null", None), ("$x.y", [1, 2]), ("-0", -0.0), ("1 / 0", math.inf),
])
def test_worker_values(expression, expected):
    value = jsonata_js_engine.evaluate(expression, {"x": {"y": [1, 2]}})
    assert value == expected and type(value) is type(expected)
    if expected == 0:
        assert math.copysign(1, value) == -1  # -0 survives the JSON between the processes


def test_worker_undefined_function_and_errors():
    assert jsonata_js_engine.evaluate("$nothing") is jsonata_js_engine.UNDEFINED
    assert jsonata_js_engine.evaluate("$sum") is jsonata_js_engine.FUNCTION
    with pytest.raises(jsonata_js_engine.JSONataJSError) as error:
        jsonata_js_engine.evaluate("'a' + 1")
    assert error.value.code == "T2001" and "left side of the \"+\" operator" in str(error.value)
    with pytest.raises(jsonata_js_engine.JSONataJSError) as error:
        jsonata_js_engine.evaluate("(")
    assert error.value.code.startswith("S0")


def test_worker_restarts_after_dying():
    jsonata_js_engine._worker._proc.kill()
    jsonata_js_engine._worker._proc.wait()
    assert jsonata_js_engine.evaluate("40 + 2") == 42


def test_an_error_reads_the_same_in_both_engines(engine):
    """moto's cause is ``<exception class>(<message>)``: the same words from either engine."""
    result = oracle.execute(machine({"A": {"Type": "Pass", "Output": "{% $error('ValueError: bad') %}",
                                           "End": True}}), {}, echo)
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "States.Runtime",
                                                                    "JException(ValueError: bad)")


# -- patch 5: Assign and Output read the values from before the state --------------------------------

def test_pass_output_does_not_see_its_own_assign(engine):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}"}, "Output": "{% {'seen': $x} %}", "Next": "C"},
        "C": {"Type": "Pass", "Output": "{% {'before': $states.input.seen, 'after': $x} %}", "End": True},
    })
    assert output(definition) == {"before": 1, "after": 2}


def test_task_output_does_not_see_its_own_assign(engine):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"r": "old"}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": "new"},
              "Assign": {"r": "{% $states.result.Payload %}"},
              "Output": "{% {'seen': $r, 'result': $states.result.Payload} %}", "Next": "C"},
        "C": {"Type": "Pass", "Output": "{% [$states.input.seen, $states.input.result, $r] %}", "End": True},
    })
    assert output(definition) == ["old", "new", "new"]


def test_catch_output_does_not_see_the_catchers_assign(engine):
    def failing(function_name, payload):
        return {"errorType": "Boom", "errorMessage": "no"}
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"e": "none"}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": {}}, "End": True,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                         "Assign": {"e": "{% $states.errorOutput.Error %}"},
                         "Output": "{% {'seen': $e} %}"}]},
        "H": {"Type": "Pass", "Output": "{% [$states.input.seen, $e] %}", "End": True},
    })
    assert output(definition, {}, failing) == ["none", "Boom"]


def test_choice_rule_output_does_not_see_the_rules_assign(engine):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $n = 1 %}", "Next": "D",
                                             "Assign": {"n": "{% $n + 10 %}"}, "Output": "{% {'seen': $n} %}"}],
              "Default": "D"},
        "D": {"Type": "Pass", "Output": "{% [$states.input.seen, $n] %}", "End": True},
    })
    assert output(definition) == [1, 11]


def test_map_output_does_not_see_its_own_assign(engine):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"total": 0}, "Next": "M"},
        "M": {"Type": "Map", "Items": [1, 2, 3],
              "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "Output": "{% $states.input * 2 %}",
                                                                 "End": True}}},
              "Assign": {"total": "{% $sum($states.result) %}"}, "Output": "{% {'seen': $total} %}", "Next": "D"},
        "D": {"Type": "Pass", "Output": "{% [$states.input.seen, $total] %}", "End": True},
    })
    assert output(definition) == [0, 12]


def test_assign_of_a_retried_task_is_the_successful_attempts(engine):
    attempts = []

    def flaky(function_name, payload):
        attempts.append(1)
        return {"errorType": "Flaky", "errorMessage": "again"} if len(attempts) == 1 else {"ok": len(attempts)}
    definition = machine({
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": {}},
              "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}],
              "Assign": {"n": "{% $states.result.Payload %}"}, "Next": "D"},
        "D": {"Type": "Pass", "Output": "{% $n %}", "End": True},
    })
    assert output(definition, {}, flaky) == 2


# -- patch 4: characters above U+FFFF reach JSONata whole --------------------------------------------

@pytest.mark.parametrize("text", ["👍", "a👍b", "\U0001F600\U0001F600x", "𝔘𝔫𝔦"])
def test_characters_above_ffff_are_one_code_point(engine, text):
    got = one_expression("{'n': $length($states.input), 'first': $substring($states.input, 0, 1), "
                         "'same': $states.input, 'upper': $uppercase($states.input)}", text)
    assert got == {"n": len(text), "first": text[0], "same": text, "upper": text.upper()}


def test_variables_holding_characters_above_ffff(engine):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"s": "{% $states.input %}"}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% [$length($s), $s & '!', $contains($s, '👍')] %}", "End": True},
    })
    assert output(definition, "x👍") == [2, "x👍!", True]


def test_split_at_empty_string_is_utf16_in_the_reference_implementation():
    """As on AWS (AWS-MEASURED.md): why the compiler never splits text at '' without rejoining."""
    assert jsonata_js_engine.evaluate("$count($split('a👍', ''))") == 3
    assert jsonata.Jsonata("$count($split('a👍', ''))").evaluate(None) == 2


# -- patch 6: $lowercase is Python's lower(), not casefold() ------------------------------------------

@pytest.mark.parametrize("text", ["Straße", "İstanbul", "ǅ ǆ Ǆ", "ﬁne ﬂow", "ΑΣ ΟΔΟΣ", "ẞ ŉ µ ſ", "ABC", "", "👍Ü"])
def test_lowercase_and_uppercase_are_pythons(engine, text):
    assert one_expression("[$lowercase($states.input), $uppercase($states.input)]", text) == [text.lower(), text.upper()]


def test_lowercase_of_undefined_and_null(engine):
    assert one_expression("$exists($lowercase($states.input.missing))", {}) is False
    result = oracle.execute(machine({"A": {"Type": "Pass", "Output": "{% $lowercase(null) %}", "End": True}}), {}, echo)
    assert result["status"] == "FAILED"


def test_lowercase_patch_does_not_reach_jsonata_python_itself():
    """pysfn.local uses jsonata-python in the same process: the oracle must not fix it by accident."""
    from jsonata.jsonata import Jsonata
    assert Jsonata.static_frame.lookup("lowercase").method is not oracle._lowercase


def test_patch_points_include_the_new_patches():
    oracle.check_patch_points()
    assert {name.rsplit(":", 1)[1] for name in oracle.PATCHED_NAMES} >= {
        "AssignDecl._eval_body", "CommonStateField._eval_body", "ExecutionState._evaluate_with_timeout",
        "Functions.lowercase"}


# -- patch 7: a Choice's state-level Assign and Output only on the Default path ----------------------

@pytest.mark.parametrize("n, expected", [(1, ["rule", "in"]), (2, ["state", "default output"])])
def test_choice_state_level_assign_and_output_only_when_no_rule_matched(engine, n, expected):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"s": "none"}, "Output": "in", "Next": "C"},
        "C": {"Type": "Choice", "Default": "D", "Assign": {"s": "state"}, "Output": "default output",
              "Choices": [{"Condition": "{% $n = 1 %}", "Assign": {"s": "rule"}, "Next": "D"}]},
        "D": {"Type": "Pass", "Output": "{% [$s, $states.input] %}", "End": True},
    })
    definition["States"]["A"]["Assign"]["n"] = n
    assert output(definition) == expected


# -- patch 8: the definition's string literals are read as JSON --------------------------------------

@pytest.mark.parametrize("text", ['"', 'say "hi"', "back\\slash", "line\nbreak\ttab", "👍", "\u00e9\u0301", "/"])
def test_literal_strings_of_assign_and_output_mean_their_json(engine, text):
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"v": text, "nested": [text, {"k": text}]}, "Next": "B"},
        "B": {"Type": "Pass", "Output": {"lit": text, "v": "{% $v %}", "nested": "{% $nested %}",
                                         "same": "{% $v = $states.input %}"}, "End": True},
    })
    assert output(definition, text) == {"lit": text, "v": text, "nested": [text, {"k": text}], "same": True}


# -- patch 9: the definition's number literals are read as JSON (-1 is an int) -----------------------

def test_negative_integer_literals_stay_integers(engine):
    calls = []

    def invoke(function_name, payload):
        calls.append(payload)
        return {"ok": 1}
    definition = machine({
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "f", "Payload": {"args": [-1, 2, 1.5, -2.5, -1e3]}}, "Next": "P"},
        "P": {"Type": "Pass", "Assign": {"v": -7}, "Output": {"n": -1, "xs": [-3, 4]}, "Next": "Q"},
        "Q": {"Type": "Pass", "Output": "{% [$states.input, $v] %}", "End": True},
    })
    result = output(definition, {}, invoke)
    assert calls == [{"args": [-1, 2, 1.5, -2.5, -1000.0]}]
    assert [type(x) for x in calls[0]["args"]] == [int, int, float, float, float]
    assert result == [{"n": -1, "xs": [-3, 4]}, -7]
    assert type(result[0]["n"]) is int and type(result[1]) is int
