"""The oracle itself: its patches are in place, and hand-written JSONata machines run as AWS runs them.

The ``test_fact_*`` tests pin JSONata / ASL behaviours the compiler's lowering relies on.
"""

from __future__ import annotations

import json
import time

import moto
import pytest

import oracle

pytestmark = pytest.mark.oracle

LAMBDA = "arn:aws:states:::lambda:invoke"
FN = "arn:aws:lambda:us-east-1:123456789012:function:dispatcher"


def machine(states: dict, start: str | None = None) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": start or next(iter(states)), "States": states}


def task(payload, **fields) -> dict:
    return {"Type": "Task", "Resource": LAMBDA,
            "Arguments": {"FunctionName": FN, "Payload": payload},
            "Output": "{% $states.result.Payload %}", **fields}


def echo(function_name, payload):
    return {"ok": payload}


def no_lambda(function_name, payload):
    raise AssertionError("this machine calls no Lambda")


def run(definition, inp=None, invoke=no_lambda) -> dict:
    return oracle.execute(definition, inp, invoke)


def succeeded(result) -> object:
    assert result["status"] == "SUCCEEDED", result
    return result["output"]


# -- the oracle's own set-up ---------------------------------------------------------------------

def test_patch_points_exist():
    oracle.check_patch_points()
    assert len(oracle.PATCHED_NAMES) == 21  # main's 19, + patches 11 and 12 (callbacks)


def test_moto_version_is_pinned():
    assert moto.__version__ == "5.2.5"


def test_invoke_exception_is_a_harness_bug_and_is_reraised():
    def broken(function_name, payload):
        raise KeyError("bug in the test")
    with pytest.raises(KeyError):
        run(machine({"T": task({"a": 1}, End=True)}), {}, broken)
    # The next execution is unaffected.
    assert succeeded(run(machine({"T": task({"a": 1}, End=True)}), {}, echo)) == {"a": 1}


def test_python_invoke_adapter():
    def fn(payload):
        if payload["x"] < 0:
            raise ValueError("negative")
        return payload["x"] * 2
    definition = machine({"T": task({"x": "{% $states.input.x %}"}, End=True)})
    assert succeeded(run(definition, {"x": 4}, oracle.python_invoke(fn))) == 8
    result = run(definition, {"x": -1}, oracle.python_invoke(fn))
    assert (result["status"], result["error"]) == ("FAILED", "ValueError")
    assert json.loads(result["cause"]) == {"errorMessage": "negative", "errorType": "ValueError"}


# -- hand-written machines -----------------------------------------------------------------------

def test_pass_assign_then_output_reads_variables():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"x": "{% $states.input.n + 1 %}", "name": "bob"}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% {'x': $x, 'greeting': 'hi ' & $name} %}", "End": True},
    })
    result = run(definition, {"n": 41})
    assert succeeded(result) == {"x": 42, "greeting": "hi bob"}
    assert result["lambda_calls"] == 0


def test_assign_reads_values_from_state_entry():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "y": "{% $x %}"}, "Next": "C"},
        "C": {"Type": "Pass", "Output": "{% [$x, $y] %}", "End": True},
    })
    assert succeeded(run(definition)) == [2, 1]


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", 'both \\" and "\\', "it's", "line\nbreak", "é ✓"])
def test_string_variable_round_trips(text):
    """Patch 2: moto would splice these into the JSONata text unescaped."""
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"s": "{% $states.input.s %}"}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"t": "{% $s & '!' %}"}, "Next": "C"},
        "C": {"Type": "Pass", "Output": "{% {'s': $s, 't': $t, 'n': $length($s)} %}", "End": True},
    })
    assert succeeded(run(definition, {"s": text})) == {"s": text, "t": text + "!", "n": len(text)}


def test_task_result_payload():
    calls = []

    def invoke(function_name, payload):
        calls.append((function_name, payload))
        return {"ok": {"sum": sum(payload["args"])}}
    definition = machine({"T": task({"callee": "add", "args": "{% $states.input.xs %}"}, End=True)})
    result = run(definition, {"xs": [1, 2, 3]}, invoke)
    assert succeeded(result) == {"sum": 6}
    assert calls == [(FN, {"callee": "add", "args": [1, 2, 3]})]
    assert (result["lambda_calls"], result["transitions"]) == (1, 1)


def test_lambda_error_caught_by_name():
    def invoke(function_name, payload):
        return {"errorType": "ValueError", "errorMessage": 'bad "value" \\ here'}
    definition = machine({
        "T": task({}, Catch=[{"ErrorEquals": ["ValueError"], "Next": "H",
                              "Output": "{% {'error': $states.errorOutput.Error,"
                                        " 'message': $parse($states.errorOutput.Cause).errorMessage} %}"}],
                  End=True),
        "H": {"Type": "Pass", "End": True},
    })
    result = run(definition, {}, invoke)
    assert succeeded(result) == {"error": "ValueError", "message": 'bad "value" \\ here'}
    assert result["transitions"] == 2


def test_lambda_error_not_matching_is_not_caught():
    def invoke(function_name, payload):
        return {"errorType": "KeyError", "errorMessage": "'k'"}
    definition = machine({
        "T": task({}, Catch=[{"ErrorEquals": ["ValueError"], "Next": "H"}], End=True),
        "H": {"Type": "Pass", "End": True},
    })
    result = run(definition, {}, invoke)
    assert (result["status"], result["error"]) == ("FAILED", "KeyError")


def test_retry_succeeds_on_second_attempt_without_sleeping():
    attempts = []

    def invoke(function_name, payload):
        attempts.append(payload)
        if len(attempts) == 1:
            return {"errorType": "Flaky", "errorMessage": "try again"}
        return {"ok": "done"}
    definition = machine({"T": task({"n": 1}, End=True, Retry=[
        {"ErrorEquals": ["Flaky"], "IntervalSeconds": 30, "MaxAttempts": 3, "BackoffRate": 2}])})
    started = time.monotonic()
    result = run(definition, {}, invoke)
    assert time.monotonic() - started < 1
    assert succeeded(result) == "done"
    assert result["lambda_calls"] == 2
    assert result["transitions"] == 1  # a retry does not enter the state again in the history


def test_retry_exhausted_fails_with_last_error():
    def invoke(function_name, payload):
        return {"errorType": "Flaky", "errorMessage": "never"}
    definition = machine({"T": task({}, End=True, Retry=[
        {"ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 2}])})
    result = run(definition, {}, invoke)
    assert (result["status"], result["error"], result["lambda_calls"]) == ("FAILED", "Flaky", 3)


@pytest.mark.parametrize("n, expected", [(5, "big"), (0, "zero"), (-3, "other")])
def test_choice_condition_and_default(n, expected):
    definition = machine({
        "C": {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.n > 1 %}", "Next": "Big"},
            {"Condition": "{% $states.input.n = 0 %}", "Next": "Zero"}], "Default": "Other"},
        "Big": {"Type": "Pass", "Output": "big", "End": True},
        "Zero": {"Type": "Pass", "Output": "zero", "End": True},
        "Other": {"Type": "Pass", "Output": "other", "End": True},
    })
    result = run(definition, {"n": n})
    assert succeeded(result) == expected
    assert result["transitions"] == 2


def test_choice_without_match_or_default():
    definition = machine({
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% false %}", "Next": "X"}]},
        "X": {"Type": "Pass", "End": True},
    })
    result = run(definition)
    assert result["status"] == "FAILED"
    assert result["error"] == "States.Runtime"  # AWS: States.NoChoiceMatched; always emit a Default


def test_parallel_returns_branch_outputs_in_order():
    def slow_first(function_name, payload):
        if payload == "first":
            time.sleep(0.05)  # finishes last, still first in the result
        return {"ok": payload.upper()}
    definition = machine({"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "B1", "States": {"B1": task("first", End=True)}},
        {"StartAt": "B2", "States": {"B2": task("second", End=True)}},
    ]}})
    result = run(definition, {}, slow_first)
    assert succeeded(result) == ["FIRST", "SECOND"]
    assert (result["transitions"], result["lambda_calls"]) == (3, 2)


def test_inner_scope_reads_outer_variable():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"outer": 10}, "Next": "P"},
        "P": {"Type": "Parallel", "Next": "Z", "Branches": [
            {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Assign": {"inner": "{% $outer * 2 %}"}, "Next": "J"},
                "J": {"Type": "Pass", "Output": "{% $inner + $outer %}", "End": True}}}]},
        "Z": {"Type": "Pass", "Output": "{% $states.input[0] %}", "End": True},
    })
    assert succeeded(run(definition)) == 30


def test_inner_scope_cannot_assign_outer_variable():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"outer": 10}, "Next": "P"},
        "P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "I", "States": {"I": {"Type": "Pass", "Assign": {"outer": 1}, "End": True}}}]},
    })
    assert run(definition)["status"] == "FAILED"


def test_map_runs_every_item_with_worker_threads():
    def double(function_name, payload):
        return {"ok": payload * 2}
    definition = machine({"M": {
        "Type": "Map", "Items": "{% $states.input.xs %}", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "D",
                          "States": {"D": task("{% $states.input %}", End=True)}}}})
    result = run(definition, {"xs": list(range(8))}, double)
    assert succeeded(result) == [2 * x for x in range(8)]
    assert (result["transitions"], result["lambda_calls"]) == (9, 8)


def test_fail_with_jsonata_cause():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"why": "quota"}, "Next": "F"},
        "F": {"Type": "Fail", "Error": "Custom.Failure", "Cause": "{% 'over ' & $why & ' by ' & $string($states.input.n) %}"},
    })
    result = run(definition, {"n": 3})
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "Custom.Failure", "over quota by 3")


def test_wait_of_100_seconds_is_skipped():
    definition = machine({
        "W": {"Type": "Wait", "Seconds": 100, "Next": "W2"},
        "W2": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": True},
    })
    started = time.monotonic()
    result = run(definition, {"s": 100})
    assert time.monotonic() - started < 1
    assert succeeded(result) == {"s": 100}


def test_transitions_of_a_three_state_machine():
    definition = machine({
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Succeed"},
    })
    result = run(definition, {"k": 1})
    assert succeeded(result) == {"k": 1}
    assert result["transitions"] == 3


# -- facts the compiler's lowering relies on -----------------------------------------------------

@pytest.mark.parametrize("expr, value", [("false and $error('x')", False), ("true or $error('x')", True)])
def test_fact_a_and_or_short_circuit(expr, value):
    assert succeeded(run(machine({"A": {"Type": "Pass", "Output": "{% " + expr + " %}", "End": True}}))) is value


def test_fact_a_error_is_reached_without_short_circuit():
    result = run(machine({"A": {"Type": "Pass", "Output": "{% true and $error('x') %}", "End": True}}))
    assert result["status"] == "FAILED"
    assert result["error"] == "States.Runtime"  # AWS: States.QueryEvaluationError


def test_fact_b_lookup_of_singleton_array_stays_an_array():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"v": "{% $lookup({'k': [5]}, 'k') %}"}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% $v %}", "End": True},
    })
    assert succeeded(run(definition)) == [5]


def test_fact_c_nested_singleton_array_survives_assign_and_output():
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"v": "{% [[1]] %}", "w": [[1]]}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% $v %}", "Next": "C"},
        "C": {"Type": "Pass", "Output": "{% {'v': $states.input, 'w': $w} %}", "End": True},
    })
    assert succeeded(run(definition)) == {"v": [[1]], "w": [[1]]}


WRAP = "($type({x}) = 'array' ? [[{x}]] : [{x}])"  # a one-element list holding x, whatever x is


@pytest.mark.parametrize("value, constructor, wrapped", [
    (5, [5, 0], [5]), ([1, 2], [1, 2, 0], [[1, 2]]), ([[1]], [[1], 0], [[[1]]]), ([], [0], [[]]),
    ({"a": 1}, [{"a": 1}, 0], [{"a": 1}]), (None, [None, 0], [None]), ("s", ["s", 0], ["s"]),
])
def test_fact_c_array_constructor_flattens_array_values(value, constructor, wrapped):
    """JSONata's [a, b] splices an array-valued a (jsonata-js does too): a Python list literal
    cannot be lowered to [$a, $b] when an element may be a list; WRAP is uniform."""
    definition = machine({
        "A": {"Type": "Pass", "Assign": {"v": "{% $states.input %}"}, "Next": "B"},
        "B": {"Type": "Pass", "Output": "{% {'c': [$v, 0], 'w': " + WRAP.format(x="$v") + ","
                                        " 'o': {'k': $v}} %}", "End": True},
    })
    assert succeeded(run(definition, value)) == {"c": constructor, "w": wrapped, "o": {"k": value}}


@pytest.mark.parametrize("arguments, expected", [(None, {"x": 1}), ({"z": "{% $states.input.x %}"}, {"z": 1})])
def test_fact_d_branch_input_is_the_parallel_input(arguments, expected):
    parallel = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.input %}", "End": True}}}]}
    if arguments is not None:
        parallel["Arguments"] = arguments  # then the branches get the Arguments instead
    assert succeeded(run(machine({"P": parallel}), {"x": 1})) == [expected]


def test_fact_e_catch_assign_reads_error_output():
    def invoke(function_name, payload):
        return {"errorType": "ValueError", "errorMessage": "boom"}
    definition = machine({
        "T": task({}, End=True, Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H", "Assign": {
            "err": "{% $states.errorOutput.Error %}",
            "msg": "{% $parse($states.errorOutput.Cause).errorMessage %}"}}]),
        "H": {"Type": "Pass", "Output": "{% [$err, $msg] %}", "End": True},
    })
    assert succeeded(run(definition, {}, invoke)) == ["ValueError", "boom"]


def test_fact_f_choice_rule_assign():
    definition = machine({
        "C": {"Type": "Choice", "Default": "D", "Choices": [
            {"Condition": "{% $states.input.n > 0 %}", "Assign": {"m": "{% $states.input.n %}"}, "Next": "B"},
            {"Condition": "{% true %}", "Assign": {"m": 0}, "Next": "B"}]},
        "B": {"Type": "Pass", "Output": "{% $m %}", "End": True},
        "D": {"Type": "Pass", "End": True},
    })
    assert succeeded(run(definition, {"n": 4})) == 4
    assert succeeded(run(definition, {"n": -4})) == 0


def test_fact_f_choice_state_level_assign_runs_only_when_no_rule_matched():
    """AWS (AWS-MEASURED.md): a Choice's own Assign runs only on the Default path. moto ran it
    whenever the next state was the Default's target, also after a matching rule naming that state
    (oracle patch 7). So: keep Assign in rules; end with a {% true %} rule instead."""
    definition = machine({
        "C": {"Type": "Choice", "Assign": {"s": "state"}, "Default": "B", "Choices": [
            {"Condition": "{% $states.input = 1 %}", "Assign": {"s": "rule1"}, "Next": "X"},
            {"Condition": "{% $states.input = 2 %}", "Assign": {"s": "rule2"}, "Next": "B"}]},
        "X": {"Type": "Pass", "Output": "{% $s %}", "End": True},
        "B": {"Type": "Pass", "Output": "{% $s %}", "End": True},
    })
    assert succeeded(run(definition, 1)) == "rule1"
    assert succeeded(run(definition, 2)) == "rule2"  # a rule matched (naming the Default's target)
    assert succeeded(run(definition, 3)) == "state"


def test_fact_g_lambda_error_cause_is_exact_json():
    def invoke(function_name, payload):
        return {"errorType": "ValueError", "errorMessage": "boom"}
    result = run(machine({"T": task({}, End=True)}), {}, invoke)
    assert (result["error"], result["cause"]) == ("ValueError", '{"errorMessage":"boom","errorType":"ValueError"}')


def test_fact_h_task_output_with_end_is_the_execution_output():
    definition = machine({"T": task({"a": 1}, End=True, Output="{% {'wrapped': $states.result.Payload} %}")})
    assert succeeded(run(definition, {}, echo)) == {"wrapped": {"a": 1}}


@pytest.mark.parametrize("text, error, cause_part", [
    ("not json", "States.Runtime", "Syntax error in expression passed to"),  # Object eval | function eval
    ("nope", "States.QueryEvaluationError", "returned nothing (undefined)"),
])
def test_fact_i_parse_of_non_json(text, error, cause_part):
    """moto defines $parse as $eval: a non-JSON string is evaluated as JSONata (AWS: an error)."""
    result = run(machine({"A": {"Type": "Pass", "Output": "{% $parse($states.input) %}", "End": True}}), text)
    assert (result["status"], result["error"]) == ("FAILED", error)
    assert cause_part in result["cause"]


def test_fact_undefined_expression_is_query_evaluation_error():
    result = run(machine({"A": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": True}}), {})
    assert result["error"] == "States.QueryEvaluationError"


@pytest.mark.parametrize("items, calls", [([-1, 1, 2, 3], 1), ([1, 2, -1, 3], 3), ([1, 2, 3, 4], 4)])
def test_map_iterations_run_in_item_order_and_stop_at_the_first_failure(items, calls):
    """Patch 10: the same Lambda calls in every run (moto's threads made the count a race)."""
    seen = []

    def invoke(function_name, payload):
        seen.append(payload)
        return {"errorType": "ValueError", "errorMessage": "negative"} if payload < 0 else {"ok": payload * 2}
    body = {"StartAt": "T", "States": {"T": task("{% $states.input %}", End=True)}}
    definition = machine({"M": {"Type": "Map", "Items": "{% $states.input %}", "ItemProcessor": body,
                                "End": True}})
    for _ in range(5):
        seen.clear()
        result = run(definition, items, invoke)
        assert (result["lambda_calls"], seen) == (calls, items[:calls])
        assert result["status"] == ("SUCCEEDED" if calls == len(items) else "FAILED")
