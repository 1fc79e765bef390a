"""JSONPath-mode states: the data flow InputPath -> Parameters -> (work) -> ResultSelector ->
ResultPath -> OutputPath, Choice rules, Wait and Fail paths; and the Map failure thresholds of
both query languages.

A mixin of ``interpreter.Interpreter`` (it uses ``site``, ``leave``, ``assignments``, ``wait``).
Sites built here read ``$`` from ``site.states["input"]``: the effective input (after InputPath)
for Parameters, rules and the ``*Path`` fields; the result for ResultSelector and Assign; the
error output for a Catch's Assign.

Assign reads the state's result before ResultSelector (as LocalStack, developed against these
recordings, does), and like JSONata's Assign it sees the variables from before the state.
"""

from __future__ import annotations

import datetime
from typing import Any

from . import jsonpath_io
from .choice_rules import timestamp
from .errors import NO_CHOICE_MATCHED, StatesError
from .jsonpath_io import read, rebased, runtime_error
from .record import to_json_text


def _show(value: Any) -> str:
    """A value inside an AWS message: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else to_json_text(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_integer(value: Any) -> int | None:
    """A ``*Path`` integer: a whole number, or a string of one (the corpus: MaxConcurrencyPath
    reading the string "1" runs)."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    if _number(value) and value == int(value):
        return int(value)
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return value if _number(value) else None


class JsonPathStates:
    # -- the data flow ------------------------------------------------------------------------
    def jp_input(self, state, entered, scope, state_input):
        """The effective input: InputPath applied to the raw state input."""
        site = self.site(state, entered, scope, state_input)
        return state.input_path.apply(site, state_input)

    def jp_result(self, state, site, state_input, result):
        """``(output, assignments)`` of a successful Task/Parallel/Map."""
        result_site = rebased(site, result)
        assigned = self.assignments(state.assign, result_site)
        if state.result_selector is not None:
            result = state.result_selector.evaluate(result_site)
        output = state.result_path.apply(site, state_input, result)
        return state.output_path.apply(site, output), assigned

    def jp_caught(self, state, site, catcher, failure, state_input):
        """``(output, assignments)`` of a Catch: the error output put at the catcher's ResultPath
        in the raw state input (no OutputPath)."""
        error_output = failure.output
        assigned = self.assignments(catcher.assign, rebased(site, error_output))
        return catcher.result_path.apply(site, state_input, error_output), assigned

    # -- the simple states --------------------------------------------------------------------
    def jp_pass(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, self.jp_input(state, entered, scope, state_input))
        if state.parameters is not None:
            result = state.parameters.evaluate(site)
        elif state.result is not None:
            result = state.result.evaluate(site)
        else:
            result = site.states["input"]
        assigned = self.assignments(state.assign, rebased(site, result))
        output = state.output_path.apply(site, state.result_path.apply(site, state_input, result))
        return self.leave(state, scope, output, assigned, state.next)

    def jp_succeed(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, self.jp_input(state, entered, scope, state_input))
        return self.leave(state, scope, state.output_path.apply(site, site.states["input"]), {}, None)

    def jp_fail(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, state_input)
        error = state.error.evaluate(site) if state.error is not None else None
        cause = state.cause.evaluate(site) if state.cause is not None else None
        for field, value in (("ErrorPath", error), ("CausePath", cause)):
            if value is not None and not isinstance(value, str):
                raise runtime_error(site, f"The {field} field must reference a string, but its value was: "
                                          f"{to_json_text(value)}")
        failure = StatesError(error, cause)
        failure.logged = True
        raise failure

    def jp_choice(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, self.jp_input(state, entered, scope, state_input))
        chosen = None
        for rule in state.rules:
            if rule.predicate(lambda path: read(path, site)):
                chosen = rule
                break
        if chosen is None and state.default is None:
            raise StatesError(NO_CHOICE_MATCHED, f"No Choice rule of the state '{state.name}' matched, and it "
                                                 f"has no Default.")
        # AWS-MEASURED: "A Choice's state-level Assign runs only when no rule matched"
        assigned = self.assignments(chosen.assign if chosen is not None else state.assign, site)
        output = state.output_path.apply(site, site.states["input"])
        return self.leave(state, scope, output, assigned, chosen.next if chosen else state.default)

    def jp_wait(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, self.jp_input(state, entered, scope, state_input))
        if state.seconds is not None:
            seconds = state.seconds.evaluate(site)
        elif state.seconds_path is not None:
            value = state.seconds_path.evaluate(site)
            where = f"{state.seconds_path.path.text} == {_show(value)}" if hasattr(state.seconds_path, "path") \
                else _show(value)
            if not _number(value) or value != int(value):
                raise runtime_error(site, f"The SecondsPath parameter cannot be parsed as a long value: {where}")
            if value < 0:
                raise runtime_error(site, f"The SecondsPath parameter references a negative value: {where}")
            seconds = int(value)
        else:
            template = state.timestamp if state.timestamp is not None else state.timestamp_path
            value = template.evaluate(site)
            when = timestamp(value)
            if when is None:
                where = f"{template.path.text} == {_show(value)}" if hasattr(template, "path") else _show(value)
                raise runtime_error(site, f"The TimestampPath parameter does not reference a valid ISO-8601 "
                                          f"extended offset date-time format string: {where}")
            now = datetime.datetime.now(datetime.timezone.utc)
            seconds = max(0.0, (when - now).total_seconds())
        self.wait(state.name, seconds)
        assigned = self.assignments(state.assign, site)
        output = state.output_path.apply(site, site.states["input"])
        return self.leave(state, scope, output, assigned, state.next)

    # -- Map ----------------------------------------------------------------------------------
    def jp_map_items(self, state, site) -> list:
        items = state.items_path.apply(site, site.states["input"])
        if not isinstance(items, list):
            raise runtime_error(site, f"Map state input must be an array but was: {to_json_text(items)}")
        if state.max_concurrency_path is not None:
            limit = state.max_concurrency_path.evaluate(site)
            if _as_integer(limit) is None or _as_integer(limit) < 0:
                raise runtime_error(site, f"The MaxConcurrencyPath field refers to value \"{_show(limit)}\" which "
                                          f"is not a valid integer: {state.max_concurrency_path.path.text}")
        return items


def map_failure_limits(state, site) -> tuple | None:
    """``(ToleratedFailureCount, ToleratedFailurePercentage)`` of a Map (0 when not set), checked
    as AWS checks them; ``None`` when neither is given."""
    given = [state.tolerated_count, state.tolerated_count_path, state.tolerated_percentage,
             state.tolerated_percentage_path]
    if all(template is None for template in given):
        return None
    count = percentage = 0
    if state.tolerated_count is not None:
        count = state.tolerated_count.evaluate(site)
        if not _number(count) or count != int(count) or count < 0:
            raise _limit_error(state, site, f"The field 'ToleratedFailureCount' must be a non-negative integer, "
                                            f"but its value was: {to_json_text(count)}")
    elif state.tolerated_count_path is not None:
        value = state.tolerated_count_path.evaluate(site)
        count = _as_integer(value)
        if count is None:
            count = value
            raise runtime_error(site, f"The ToleratedFailureCountPath field refers to value \"{_show(count)}\" "
                                      f"which is not a valid integer: {state.tolerated_count_path.path.text}")
    if state.tolerated_percentage is not None:
        percentage = state.tolerated_percentage.evaluate(site)
        if not _number(percentage):
            raise _limit_error(state, site, f"The field 'ToleratedFailurePercentage' must be a number, but its "
                                            f"value was: {to_json_text(percentage)}")
    elif state.tolerated_percentage_path is not None:
        value = state.tolerated_percentage_path.evaluate(site)
        percentage = _as_float(value)
        if percentage is None:
            percentage = value
            raise runtime_error(site, f"The ToleratedFailurePercentagePath field refers to value "
                                      f"\"{_show(percentage)}\" which is not a valid float: "
                                      f"{state.tolerated_percentage_path.path.text}")
    if not 0 <= percentage <= 100:
        raise _limit_error(state, site, "ToleratedFailurePercentage must be between 0 and 100.")
    return count, percentage


def _limit_error(state, site, message: str) -> StatesError:
    if state.language == "JSONPath":
        return runtime_error(site, message)
    return site.fail(message)


__all__ = ["JsonPathStates", "map_failure_limits", "jsonpath_io"]
