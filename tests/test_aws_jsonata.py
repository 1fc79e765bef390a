"""pysfn.local follows AWS's measured behaviour (``<repo>/../shared/AWS-MEASURED.md``), fact by fact,
where jsonata-python (the engine, chosen by ``benchmarks/bench_jsonata_engines.py``) or moto differs.

Every test runs a real machine through ``run_definition``; the docstring quotes the fact. Facts the
interpreter cannot show (validation-only rules of other services, SDK integrations, time limits)
are listed in future-work.md.
"""

from __future__ import annotations

import re

import pytest

from pysfn.local import InvalidDefinition, run_definition

QUERY = "States.QueryEvaluationError"
LAMBDA = "arn:aws:states:::lambda:invoke"


def machine(*states, **top):
    """States named S0, S1, ... chained with Next."""
    named = {}
    for i, state in enumerate(states):
        state = dict(state)
        if state["Type"] not in ("Choice", "Succeed", "Fail") and "Next" not in state and "End" not in state:
            state["Next" if i + 1 < len(states) else "End"] = f"S{i + 1}" if i + 1 < len(states) else True
        named[f"S{i}"] = state
    return {"QueryLanguage": "JSONata", "StartAt": "S0", "States": named, **top}


def run(expression: str, inp=None, variables: dict | None = None, invoke=None):
    states = []
    if variables:
        states.append({"Type": "Pass", "Assign": variables})
    states.append({"Type": "Pass", "Output": "{% " + expression + " %}"})
    return run_definition(machine(*states), inp, invoke)


def value(expression: str, inp=None, variables: dict | None = None):
    result = run(expression, inp, variables)
    assert result.status == "SUCCEEDED", result.cause
    return result.output


def fails(expression: str, inp=None, variables: dict | None = None) -> str:
    result = run(expression, inp, variables)
    assert (result.status, result.error) == ("FAILED", QUERY), result.output
    return result.cause


# ---------------------------------------------------------------------------------------------
# Engine and limits

def test_step_functions_functions_and_no_eval():
    """"AWS implements JSONata 2.0.6 without $eval, plus $partition $range $hash $random $uuid $parse"."""
    assert value("$partition([1, 2, 3], 2)") == [[1, 2], [3]]
    assert value("$range(0, 4, 2)") == [0, 2, 4]
    assert value("$hash('a', 'SHA-256')").startswith("ca978112")
    assert 0 <= value("$random()") < 1
    assert re.fullmatch(r"[0-9a-f-]{36}", value("$uuid()"))
    assert value("$parse('[1]')") == [1]
    fails("$eval('1 + 1')")  # jsonata-python has $eval


def test_range_of_one_number_is_the_number():
    """The issue's corpus measurement: "$range of one number returns [1] where AWS returns 1"."""
    assert value("$range(1, 1)") == 1
    assert value("$range(1, 2)") == [1, 2]


def test_every_failure_is_a_query_evaluation_error():
    """"every evaluation failure is States.QueryEvaluationError"."""
    for expression in ("1 + 'a'", "$error('boom')", "$number('x')", "$notAFunction(1)"):
        fails(expression)


@pytest.mark.parametrize("expression", ["$x ?? 1", "$x ?: 1", "[1, ($y ?? 2)]"])
def test_coalescing_operators_are_refused_at_validation(expression):
    """"?? and ?: are refused at validation" (jsonata-python accepts both)."""
    with pytest.raises(InvalidDefinition, match=re.escape(expression)):
        run(expression)
    assert value("$exists($x) ? $x : 1") == 1  # the 2.0.6 spelling is fine


def test_undefined_fails_anywhere():
    """"An expression returning undefined fails anywhere: in any field, inside objects and arrays, in Assign"."""
    for state in ({"Type": "Pass", "Output": {"a": ["{% $nothing %}"]}},
                  {"Type": "Pass", "Assign": {"x": "{% $states.input.missing %}"}},
                  {"Type": "Succeed", "Output": "{% $states.input.missing %}"}):
        result = run_definition(machine(state), {})
        assert (result.status, result.error) == ("FAILED", QUERY)
        assert "returned nothing (undefined)" in result.cause


def test_assign_and_output_read_the_values_from_before_the_state():
    """"Assign evaluates all of its expressions with the values from before the state; Assign and
    Output of one state are evaluated in parallel (Output does not see that state's Assign). moto
    gets this wrong.\""""
    definition = machine({"Type": "Pass", "Assign": {"a": 1, "b": 10}},
                         {"Type": "Pass", "Assign": {"a": "{% $b %}", "b": "{% $a %}"},
                          "Output": {"a": "{% $a %}", "b": "{% $b %}"}},
                         {"Type": "Pass", "Output": {"a": "{% $a %}", "b": "{% $b %}", "before": "{% $states.input %}"}})
    result = run_definition(definition, {})
    assert result.output == {"a": 10, "b": 1, "before": {"a": 1, "b": 10}}


def test_a_variable_hides_the_builtin_of_its_name():
    """"A variable hides the built-in of the same name (count hides $count): a later call fails at
    run time (T1006), and validation does not report it"."""
    cause = fails("$count([1, 2])", variables={"count": 2})
    assert "non-function" in cause or "T1006" in cause
    assert value("$count([1, 2])") == 2


# ---------------------------------------------------------------------------------------------
# Strings: UTF-16 inside

def test_length_counts_code_points():
    """"$length counts code points"."""
    assert value("$length('a👍')") == 2


def test_substring_works_on_utf16_units():
    """"some positive positions/lengths on text with characters above U+FFFF return half a character,
    $substring without a length failed at most starts on such text"."""
    assert value("$substring('hello', 1, 3)") == "ell"  # plain text: as everywhere
    assert value("$substring('hello', -3)") == "llo"
    assert value("$substring('ab👍', 1, 2)") == "b\ud83d"  # half of the thumbs-up
    for start in (0, 1):
        assert "past the end" in fails(f"$substring('a👍', {start})")
    assert value("$substring('a👍', 2)") == ""  # a start past the last character: nothing to fail


def test_split_on_the_empty_string_splits_astral_characters():
    """"$split($s, '') splits such a character into two halves"."""
    assert value("$count($split('a👍b', ''))") == 4
    assert value("$split('a👍b', '')") == ["a", "\ud83d", "\udc4d", "b"]
    assert value("$split('ab', '')") == ["a", "b"]


def test_sort_orders_strings_by_utf16_units():
    """"$sort orders strings by UTF-16 units" (U+FF5E sorts after U+1F44D, whose first unit is U+D83D)."""
    assert value("$sort(['～', '👍', 'a'])") == ["a", "👍", "～"]


@pytest.mark.parametrize("text", ["İ", "ẞ", "Σ", "ΑΣ", "ß", "ǆ", "ﬁ", "Straße"])
def test_case_mapping_is_pythons(text):
    """"$lowercase/$uppercase match Python's lower()/upper() on İ ẞ Σ ß ǆ ﬁ (jsonata-python's do not)"."""
    assert value("[$lowercase($s), $uppercase($s)]", variables={"s": text}) == [text.lower(), text.upper()]
    assert value("$lowercase('Straße')") == "straße"  # jsonata-python casefolds it to "strasse"


def test_trim_and_ascii_whitespace_in_regexes():
    """"$trim collapses every run of whitespace to one space and strips the ends. In a $replace regex,
    \\s is ASCII whitespace only (Python's strip() and jsonata-python also strip NBSP and U+3000)"."""
    assert value("$trim($s)", variables={"s": " a \t\n b  "}) == "a b"
    assert value("$trim($s)", variables={"s": "\u00a0a\u3000"}) == "\u00a0a\u3000"
    assert value("$replace($s, /\\s/, '_')", variables={"s": "a b\u00a0c\u3000d\te"}) == "a_b\u00a0c\u3000d_e"
    assert value("$replace($s, /[\\s,]+/, '_')", variables={"s": "a, b\u00a0c"}) == "a_b\u00a0c"


def test_split_with_a_string_separator_keeps_empty_parts():
    """"$split with a string separator splits at that exact text and keeps empty parts"."""
    assert value("$split(',a,,b,', ',')") == ["", "a", "", "b", ""]
    assert value("$split('a.b', '.')") == ["a", "b"]  # the text, not a regex


def test_sort_is_stable_and_takes_numbers_or_strings():
    """"$sort with a comparator is stable on AWS (like sorted); jsonata-python reorders equal items.
    $sort without a function takes numbers or strings only"."""
    items = [{"k": 1, "v": "a"}, {"k": 0, "v": "b"}, {"k": 1, "v": "c"}, {"k": 0, "v": "d"}, {"k": 1, "v": "e"}]
    got = value("$sort($xs, function($l, $r) { $l.k > $r.k }).v", variables={"xs": items})
    assert got == [item["v"] for item in sorted(items, key=lambda item: item["k"])] == ["b", "d", "a", "c", "e"]
    assert value("$sort([3, 1, 2.5])") == [1, 2.5, 3]
    fails("$sort([1, 'a'])")
    fails("$sort([{'a': 1}, {'a': 2}])")


def test_round_is_half_even_at_the_decimal_digits():
    """"$round rounds half to even at the decimal digits of the number ($round(2.675, 2) is 2.68 ...).
    $round(25, -1) is 20"."""
    assert value("[$round(2.675, 2), $round(25, -1), $round(2.5), $round(3.5)]") == [2.68, 20, 2, 4]


def test_division_by_zero_gives_strings():
    """"1 / 0, -1 / 0, 0 / 0 do not fail: they are the strings "Infinity", "-Infinity", "NaN";
    arithmetic on them fails later, comparisons do not (1 / 0 > 5 is true). Arithmetic past the
    double range does the same.\""""
    assert value("[1 / 0, -1 / 0, 0 / 0]") == ["Infinity", "-Infinity", "NaN"]
    assert value("1 / 0 > 5") is True
    assert value("1e308 * 10") == "Infinity"
    fails("(1 / 0) + 1")
    definition = machine({"Type": "Pass", "Assign": {"x": "{% 1 / 0 %}"}},
                         {"Type": "Pass", "Output": "{% $x + 1 %}"})  # a later state: the string
    assert run_definition(definition, {}).error == QUERY


def test_integers_past_2_53_are_rounded():
    """"Numbers are doubles: an integer past 2**53 read from a variable or the input is rounded"."""
    big = 2 ** 53 + 1
    assert value("$x", variables={"x": big}) == 2 ** 53
    assert value("$states.input.n", {"n": big}) == 2 ** 53
    assert value("[$x]", variables={"x": big}) == [2 ** 53]
    assert value("$x + 1", variables={"x": 2 ** 53 - 1}) == 2 ** 53


def test_boolean_and_logic():
    """"$boolean is Python's bool() except a non-empty array of falsy items ([0], [[]]) is false.
    and/or/$not return booleans. With undefined, both = and != are false"."""
    cases = [0, 1, "", "a", [], [0], [[]], [0, 1], {}, {"a": 1}, None, 0.5]
    got = value("$map($xs, function($v) { $boolean($v) })", variables={"xs": cases})
    assert got == [False, True, False, True, False, False, False, True, False, True, False, True]
    assert value("[1 and 'a', 0 or '', $not(1)]") == [True, False, False]
    assert value("[$nothing = 1, $nothing != 1]") == [False, False]


def test_count_and_indexing():
    """"$count of a non-array is 1, of null/undefined 0. $s[0] of a string is the whole string. A
    fractional index is truncated. $x[$i][0] ignores the second index (($x[$i])[0] works)"."""
    assert value("[$count(5), $count(null), $count($nothing), $count([1, 2])]") == [1, 0, 0, 2]
    assert value("$s[0]", variables={"s": "abc"}) == "abc"
    assert value("[10, 20, 30][1.7]") == 20
    xs = {"x": [[5, 6], [7]], "i": 0}
    assert value("$x[$i][0]", variables=xs) == [5, 6]
    assert value("($x[$i])[0]", variables=xs) == 5


def test_array_constructors_map_and_filter():
    """"An array constructor flattens an array value that is not itself a constructor: [[$xs]] keeps
    it. $map/$filter return a single value for one result and undefined for none;
    $append([], $map(...)[]) is always an array"."""
    xs = {"xs": [1, 2]}
    assert value("[$xs]", variables=xs) == [1, 2]
    assert value("[[$xs]]", variables=xs) == [[1, 2]]
    assert value("$map([7], function($v) { $v })") == 7
    assert "undefined" in fails("$filter([1, 2], function($v) { $v > 5 })")
    assert value("$append([], $map([7], function($v) { $v })[])") == [7]
    assert value("$append([], $filter([1], function($v) { $v > 5 })[])") == []


def test_objects_distinct_and_zip():
    """"$merge gives later keys precedence, $merge([]) is {}. $keys of a one-key object is the key
    itself, of {} nothing. $distinct keeps true apart from 1. $zip stops at the shortest array"."""
    assert value("$merge([{'a': 1}, {'a': 2}])") == {"a": 2}
    assert value("$merge([])") == {}
    assert value("$keys({'a': 1})") == "a"
    assert "undefined" in fails("$keys({})")
    assert value("$distinct([1, true, 1, false, 0])") == [1, True, False, 0]
    assert value("$zip([1, 2, 3], [4, 5])") == [[1, 4], [2, 5]]


def test_aggregates():
    """"$sum([]) is 0; $max([]), $min([]), $average([]) are undefined; $sum/$max fail on strings"."""
    assert value("$sum([])") == 0
    for function in ("max", "min", "average"):
        assert "undefined" in fails(f"${function}([])")
    fails("$sum(['a'])")
    fails("$max(['a'])")


def test_parse_join_and_pad():
    """"$parse refuses NaN/Infinity, numbers past the double range and repeated keys, but reads
    single-quoted strings. $join of a non-string item fails. $pad fills right for positive widths,
    left for negative\""""
    for text in ("NaN", "Infinity", "1e400", '{"a": 1, "a": 2}'):
        fails("$parse($t)", variables={"t": text})
    assert value("$parse($t)", variables={"t": "{'a': 'b \"c\"', \"d\": [1]}"}) == {"a": 'b "c"', "d": [1]}
    fails("$join([1, 'a'])")
    assert value("[$pad('a', 3, '-'), $pad('a', -3, '-')]") == ["a--", "--a"]


def test_now_is_utc_to_the_millisecond_and_one_per_evaluation():
    """"$now() is UTC to the millisecond with Z; all $now()/$millis() in one evaluation agree"."""
    now = value("$now()")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", now)
    assert value("[$now() = $now(), $millis() = $millis(), $toMillis($now()) = $millis()]") == [True, True, True]


def test_decode_url_component():
    """"$decodeUrlComponent reads + as space and fails on %zz (jsonata-python does neither)"."""
    assert value("$decodeUrlComponent('a+b%20c%C3%9F')") == "a b cß"
    fails("$decodeUrlComponent('%zz')")


# ---------------------------------------------------------------------------------------------
# States

def test_state_names_are_unique_across_the_definition():
    """"State names are unique across the whole definition (branches and Map processors too)"."""
    definition = machine({"Type": "Parallel", "Branches": [{"StartAt": "S0", "States": {"S0": {"Type": "Succeed"}}}]})
    with pytest.raises(InvalidDefinition, match="used twice"):
        run_definition(definition, {})


def test_scopes():
    """"Only Parallel and Map open scopes; an inner scope cannot assign a name its outer scope
    assigns; a Catch's Assign writes the outer scope; a distributed Map reads no outer variables"."""
    inner = {"StartAt": "In", "States": {"In": {"Type": "Pass", "Assign": {"x": 2}, "End": True}}}
    result = run_definition(machine({"Type": "Pass", "Assign": {"x": 1}},
                                    {"Type": "Map", "Items": [1], "ItemProcessor": inner}), {})
    assert (result.error, "outer scope" in result.cause) == ("States.Runtime", True)
    caught = run_definition(machine(
        {"Type": "Pass", "Assign": {"x": 1}},
        {"Type": "Map", "Items": [1], "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}},
         "Catch": [{"ErrorEquals": ["E"], "Assign": {"x": 5}, "Next": "S2"}]},
        {"Type": "Pass", "Output": "{% $x %}"}), {})
    assert caught.output == 5
    distributed = run_definition(machine(
        {"Type": "Pass", "Assign": {"x": 1}},
        {"Type": "Map", "Items": [1], "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "R", "States": {"R": {"Type": "Pass", "Output": "{% $x %}", "End": True}}}}), {})
    assert distributed.error == "States.ExceedToleratedFailureThreshold"  # its child failed: $x is undefined


def test_choice_state_level_assign_only_on_the_default_path():
    """"A Choice's state-level Assign runs only when no rule matched (the Default path)"."""
    definition = machine({"Type": "Choice", "Choices": [{"Condition": "{% $states.input.go %}", "Next": "S1",
                                                         "Assign": {"rule": True}}],
                          "Default": "S1", "Assign": {"state": True}},
                         {"Type": "Pass", "Output": {"rule": "{% $exists($rule) %}", "state": "{% $exists($state) %}"}})
    assert run_definition(definition, {"go": True}).output == {"rule": True, "state": False}
    assert run_definition(definition, {"go": False}).output == {"rule": False, "state": True}


def test_output_may_be_any_json_value_and_wait_fields():
    """"Output may be any JSON value, null included. Wait Seconds is a whole number 0..99,999,999;
    Timestamp is RFC 3339 with uppercase T and Z"."""
    for output in (None, 0, "", [], False):
        assert run_definition(machine({"Type": "Pass", "Output": output}), {}).output == output
    assert run(("null")).output is None
    for seconds, ok in ((0, True), (99999999, True), (100000000, False), (1.5, False), (-1, False)):
        result = run_definition(machine({"Type": "Wait", "Seconds": "{% " + str(seconds) + " %}"}), {})
        assert (result.status == "SUCCEEDED") is ok, (seconds, result.cause)
    for stamp, ok in (("2016-03-14T01:59:00Z", True), ("2016-03-14t01:59:00Z", False),
                      ("2016-03-14T01:59:00z", False), ("2016-03-14 01:59:00Z", False)):
        result = run_definition(machine({"Type": "Wait", "Timestamp": stamp}), {})
        assert (result.status == "SUCCEEDED") is ok, (stamp, result.cause)


def _distributed(tolerance: dict, items):
    return machine({"Type": "Map", "Items": items, **tolerance, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input > 0 %}", "Next": "Ok"}],
                  "Default": "Bad"},
            "Ok": {"Type": "Succeed"}, "Bad": {"Type": "Fail", "Error": "Bad", "Cause": "item"}}}})


def test_distributed_map_tolerated_failures():
    """"A distributed Map's failing child fails the Map with States.ExceedToleratedFailureThreshold
    unless within ToleratedFailureCount/Percentage (a threshold of 0 counts as not set); a tolerated
    child is {"Status": "FAILED", "Error", "Cause"} in the result\""""
    assert run_definition(_distributed({}, [1, 0]), {}).error == "States.ExceedToleratedFailureThreshold"
    assert run_definition(_distributed({"ToleratedFailureCount": 0}, [1, 0]), {}).error == \
        "States.ExceedToleratedFailureThreshold"
    result = run_definition(_distributed({"ToleratedFailureCount": 1}, [1, 0]), {})
    assert result.output == [1, {"Status": "FAILED", "Error": "Bad", "Cause": "item"}]
    assert run_definition(_distributed({"ToleratedFailurePercentage": 50}, [1, 0]), {}).status == "SUCCEEDED"
    assert run_definition(_distributed({"ToleratedFailurePercentage": 49}, [1, 0]), {}).error == \
        "States.ExceedToleratedFailureThreshold"


def test_context_object():
    """"Context object: Execution (Id, Input, Name, RoleArn, StartTime, RedriveCount, RedriveTime),
    State (EnteredTime, Name, RetryCount: in Task and Map only), StateMachine (Id, Name) ...
    Map.Item only in ItemSelector"."""
    context = run(("$states.context"), {"a": 1}).output
    assert {"Id", "Input", "Name", "RoleArn", "StartTime", "RedriveCount"} <= set(context["Execution"])
    assert set(context["State"]) == {"EnteredTime", "Name"} and set(context["StateMachine"]) == {"Id", "Name"}
    assert "Map" not in context
    mapped = run_definition(machine({"Type": "Map", "Items": [7], "ItemSelector": {
        "item": "{% $states.context.Map.Item %}", "state": "{% $states.context.State %}"},
        "ItemProcessor": {"StartAt": "In", "States": {"In": {"Type": "Pass", "Output": {
            "got": "{% $states.input %}", "map": "{% $exists($states.context.Map) %}"}, "End": True}}}}), {})
    assert mapped.output[0]["got"]["item"] == {"Index": 0, "Value": 7}
    assert set(mapped.output[0]["got"]["state"]) == {"EnteredTime", "Name", "RetryCount"}
    assert mapped.output[0]["map"] is False


# ---------------------------------------------------------------------------------------------
# Errors, retries, tasks

def flaky(failures: dict):
    """A Lambda that fails with the next error of ``failures["errors"]`` until they run out."""
    def invoke(name, payload):
        if failures["errors"]:
            error = failures["errors"].pop(0)
            return {"errorType": error, "errorMessage": f"{error}!"}
        return {"ok": {"done": True}}
    return invoke


def task(**fields):
    return {"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": "f", "Payload": {}},
            "Output": "{% $states.result.Payload %}", **fields}


def test_retriers_count_across_errors_and_the_first_match_decides():
    """"Only the first retrier that matches an error counts it; when it has no attempts left the error
    is not retried even if a later retrier matches. A retrier's attempts add up over all errors it matched"."""
    retry = [{"ErrorEquals": ["A", "B"], "MaxAttempts": 2, "IntervalSeconds": 0},
             {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5, "IntervalSeconds": 0}]
    result = run_definition(machine(task(Retry=retry)), {}, flaky({"errors": ["A", "B", "A"]}))
    assert (result.status, result.error, result.record.retries) == ("FAILED", "A", 2)
    result = run_definition(machine(task(Retry=retry)), {}, flaky({"errors": ["A", "C", "B"]}))
    assert (result.status, result.record.retries) == ("SUCCEEDED", 3)


def test_a_failure_in_arguments_or_output_is_a_task_failure():
    """"A failure evaluating a Task's Arguments or Output is retried as a failure of the Task"."""
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "S1", "Output": "{% $states.errorOutput.Error %}"}]
    retry = [{"ErrorEquals": [QUERY], "MaxAttempts": 1, "IntervalSeconds": 0}]
    bad_output = task(Output="{% $states.result.Payload.missing %}", Retry=retry, Catch=catch)
    result = run_definition(machine(bad_output, {"Type": "Succeed"}), {}, flaky({"errors": []}))
    assert (result.output, result.record.retries, result.record.lambda_invocations) == (QUERY, 1, 2)
    bad_arguments = task(Arguments={"FunctionName": "{% $nothing %}"}, Retry=retry, Catch=catch)
    result = run_definition(machine(bad_arguments, {"Type": "Succeed"}), {}, flaky({"errors": []}))
    assert (result.output, result.record.retries, result.record.lambda_invocations) == (QUERY, 1, 0)


def test_oversized_results_are_caught_and_runtime_errors_never_are():
    """"States.ALL and States.TaskFailed did catch a States.DataLimitExceeded raised by an oversized
    SDK result ... States.Runtime is never caught or retried"."""
    for name in ("States.ALL", "States.TaskFailed"):
        definition = machine(task(Catch=[{"ErrorEquals": [name], "Next": "S1"}]), {"Type": "Succeed"})
        result = run_definition(definition, {}, lambda function, payload: {"ok": "a" * 300_000})
        assert (result.status, result.output["Error"]) == ("SUCCEEDED", "States.DataLimitExceeded")
    runtime = machine({"Type": "Pass", "Assign": {"x": 1}}, {
        "Type": "Map", "Items": [1], "Retry": [{"ErrorEquals": ["States.ALL", "States.Runtime"]}],
        "Catch": [{"ErrorEquals": ["States.ALL", "States.Runtime"], "Next": "S2"}],
        "ItemProcessor": {"StartAt": "In", "States": {"In": {"Type": "Pass", "Assign": {"x": 2}, "End": True}}}},
        {"Type": "Succeed"})
    result = run_definition(runtime, {})
    assert (result.error, result.record.retries) == ("States.Runtime", 0)


def test_lambda_errors():
    """"A Lambda error's name is the exception type; its Cause is the runtime's JSON"."""
    result = run_definition(machine(task()), {}, flaky({"errors": ["ValueError"]}))
    assert result.error == "ValueError"
    assert result.cause == '{"errorMessage":"ValueError!","errorType":"ValueError"}'


@pytest.mark.parametrize("fields, ok", [
    ({"TimeoutSeconds": 1}, True), ({"TimeoutSeconds": 10, "HeartbeatSeconds": 9}, True),
    ({"TimeoutSeconds": 0}, False), ({"TimeoutSeconds": 1.5}, False),
    ({"TimeoutSeconds": 10, "HeartbeatSeconds": 10}, False), ({"HeartbeatSeconds": 0}, False),
])
def test_timeouts_are_whole_numbers_and_the_heartbeat_smaller(fields, ok):
    """"TimeoutSeconds is a whole number >= 1, HeartbeatSeconds smaller" (both query languages)."""
    jsonpath = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True, **fields}}}
    for definition in (machine(task(**fields)), jsonpath):
        if ok:
            assert run_definition(definition, {}, flaky({"errors": []})).status == "SUCCEEDED"
        else:
            with pytest.raises(InvalidDefinition):
                run_definition(definition, {}, flaky({"errors": []}))
