"""States and transitions: one method per state type, and Retry/Catch for Task, Parallel and Map.

A state's work follows AWS's JSONata-mode order: evaluate the state's fields against
``$states.input`` (and ``$states.context``) and the variables as they were when the state was
entered; for Task/Parallel/Map, run the work (``$states.result``); evaluate ``Assign`` and
``Output`` (both still reading the variables from state entry); then store the assignments and
leave. Errors raised while evaluating ``Arguments``, running the work or evaluating ``Assign`` go to
the state's Retry/Catch; an error in ``Output`` fails the state outright (as in the oracle).

Parallel branches and Map iterations run one after another, in order; the first that fails
stops the state (on AWS the others would be running concurrently and are stopped).
"""

from __future__ import annotations

import datetime
import json
import random
import time
from typing import Any, Callable

from . import definition as asl
from .choice_rules import timestamp
from .errors import (EXCEED_TOLERATED_FAILURE_THRESHOLD, NO_CHOICE_MATCHED, QUERY_EVALUATION_ERROR, StatesError,
                     UnsupportedFeature, lambda_cause, matches)
from .expressions import Site, Template
from .jsonpath_states import JsonPathStates, map_failure_limits
from .limits import MAX_RETRY_DELAY, ExecutionBounds, RunLimits, check_payload, check_result
from .service_tasks import is_service_resource, run_service_task
from . import callbacks
from .record import ExecutionRecord, LambdaCall, to_json_text
from .scopes import Scope

Invoke = Callable[[str, Any], dict]


class Interpreter(JsonPathStates):
    def __init__(self, invoke: Invoke | None, record: ExecutionRecord, context: dict, skip_waits: bool,
                 bounds: ExecutionBounds | None = None):
        self.invoke = invoke
        self.record = record
        self.bounds = bounds or ExecutionBounds(RunLimits(), record)  # history/duration (limits.py)
        self.context = context  # {"Execution": ..., "StateMachine": ...}: shared by every state
        self.skip_waits = skip_waits
        self.aws_endpoint_url: str | None = None  # service integrations: boto3's endpoint (None: its default)
        self.respond: callbacks.Respond | None = None  # answers .waitForTaskToken Tasks (callbacks.py)
        self.handlers = {"Pass": self.run_pass, "Task": self.run_task, "Choice": self.run_choice,
                         "Wait": self.run_wait, "Succeed": self.run_succeed, "Fail": self.run_fail,
                         "Parallel": self.run_parallel, "Map": self.run_map}
        # JSONPath-mode states (``jsonpath_states``); Task, Parallel and Map share the handlers above
        self.jsonpath_handlers = {**self.handlers, "Pass": self.jp_pass, "Choice": self.jp_choice,
                                  "Wait": self.jp_wait, "Succeed": self.jp_succeed, "Fail": self.jp_fail}

    # -- machines -----------------------------------------------------------------------------
    def run_machine(self, machine: asl.Machine, value: Any, text: str, scope: Scope) -> tuple[Any, str]:
        """Run from StartAt to the end; returns the output and its JSON text (raises StatesError)."""
        name = machine.start_at
        while name is not None:
            state = machine.states[name]
            self.bounds.check()
            entered = self.record.enter(state.type, state.name, text)
            try:
                handlers = self.handlers if state.language == "JSONata" else self.jsonpath_handlers
                value, text, name = handlers[state.type](state, value, scope, entered)
            except StatesError as failure:
                self.log_failure(failure, state)
                raise
        return value, text

    def site(self, state: asl.State, entered: int, scope: Scope, state_input: Any, retry_count: int = 0) -> Site:
        context = dict(self.context)
        context["State"] = {"EnteredTime": self.record.event(entered)["timestamp"], "Name": state.name}
        if state.type in ("Task", "Map"):  # AWS-MEASURED: RetryCount "in Task and Map only"
            context["State"]["RetryCount"] = retry_count
        if callbacks.is_wait_for_token(state.resource):  # a new token for every attempt
            context["Task"] = {"Token": callbacks.new_token(str(self.context["Execution"].get("Name")))}
        return Site(state.name, entered, scope.lookup, {"input": state_input, "context": context})

    def log_failure(self, failure: StatesError, state: asl.State) -> None:
        """An expression failure gets its EvaluationFailed event (once)."""
        if failure.logged:
            return
        failure.logged = True
        if failure.error == QUERY_EVALUATION_ERROR:
            self.record.add_event("EvaluationFailed", "evaluationFailedEventDetails",
                                  {"error": failure.error, "cause": failure.cause, "state": state.name})

    @staticmethod
    def assignments(pairs: list[tuple[str, Template]] | None, site: Site) -> dict:
        if not pairs:
            return {}
        return {name: template.evaluate(site) for name, template in pairs}

    def leave(self, state: asl.State, scope: Scope, output: Any, assigned: dict,
              next_name: str | None) -> tuple[Any, str, str | None]:
        """Store the assignments, record the exit: the state's result as ``run_machine`` wants it."""
        text = to_json_text(output)
        check_payload(text, state.name)
        texts = None
        if assigned:
            texts = {name: to_json_text(value) for name, value in assigned.items()}
            scope.assign(assigned, texts, state.name)
        self.record.exit(state.type, state.name, text, texts)
        return output, text, next_name

    def wait(self, state_name: str, seconds: float) -> None:
        self.record.waits.append((state_name, seconds))
        if not self.skip_waits and seconds > 0:
            time.sleep(seconds)

    # -- simple states ------------------------------------------------------------------------
    def run_pass(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, state_input)
        assigned = self.assignments(state.assign, site)
        output = state.output.evaluate(site) if state.output else state_input
        return self.leave(state, scope, output, assigned, state.next)

    def run_succeed(self, state, state_input, scope, entered):
        output = state.output.evaluate(self.site(state, entered, scope, state_input)) if state.output else state_input
        return self.leave(state, scope, output, {}, None)

    def run_fail(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, state_input)
        error = self.string_field(state.error, site, "Error")
        cause = self.string_field(state.cause, site, "Cause")
        failure = StatesError(error, cause)
        failure.logged = True
        raise failure

    @staticmethod
    def string_field(template: Template | None, site: Site, field: str) -> str | None:
        if template is None:
            return None
        value = template.evaluate(site)
        if not isinstance(value, str):
            raise site.fail(f"The field '{field}' must be a string, but its value was: {to_json_text(value)}")
        return value

    def run_choice(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, state_input)
        chosen = None
        for i, rule in enumerate(state.rules):
            value = rule.condition.evaluate(site)
            if type(value) is not bool:
                where = getattr(rule.condition, "where", f"The field 'Choices[{i}].Condition'")
                raise site.fail(f"{where} returned a non-boolean value: {to_json_text(value)}")
            if value:
                chosen = rule
                break
        if chosen is None and state.default is None:
            raise StatesError(NO_CHOICE_MATCHED, f"No Choice rule of the state '{state.name}' matched, and it "
                                                 f"has no Default.")
        # AWS-MEASURED: "A Choice's state-level Assign runs only when no rule matched" (the
        # Default path); a matched rule's own Assign replaces it
        assigned = self.assignments(chosen.assign if chosen is not None else state.assign, site)
        output_template = state.output
        if chosen is not None:
            output_template = chosen.output or output_template
        output = output_template.evaluate(site) if output_template else state_input
        return self.leave(state, scope, output, assigned, chosen.next if chosen else state.default)

    def run_wait(self, state, state_input, scope, entered):
        site = self.site(state, entered, scope, state_input)
        if state.seconds is not None:
            seconds = state.seconds.evaluate(site)
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds != int(seconds) \
                    or not 0 <= seconds <= 99999999:
                raise site.fail(f"The field 'Seconds' must be an integer from 0 to 99999999, but its value was: "
                                f"{to_json_text(seconds)}")
            seconds = int(seconds)
        else:
            stamp = state.timestamp.evaluate(site)
            when = timestamp(stamp)
            if when is None:
                raise site.fail(f"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                                f"format string: {stamp if isinstance(stamp, str) else to_json_text(stamp)}")
            now = datetime.datetime.now(datetime.timezone.utc)
            seconds = max(0.0, (when - now).total_seconds())
        self.wait(state.name, seconds)
        assigned = self.assignments(state.assign, site)
        output = state.output.evaluate(site) if state.output else state_input
        return self.leave(state, scope, output, assigned, state.next)

    # -- Retry and Catch ----------------------------------------------------------------------
    def with_recovery(self, state, state_input, scope, entered, attempt):
        """Run ``attempt(site)`` (the state's work: its result) under the state's Retry and Catch.

        JSONata: a failure in ``Arguments``, the work, ``Assign`` -- and, for a Task, ``Output``
        (AWS-MEASURED: "A failure evaluating a Task's Arguments or Output is retried as a failure
        of the Task") -- goes to Retry/Catch. JSONPath: ``InputPath`` is applied once, before the
        first attempt; the result goes through ``ResultSelector``, ``ResultPath`` and ``OutputPath``
        (their failures are ``States.Runtime``, which nothing catches)."""
        jsonpath = state.language == "JSONPath"
        data = self.jp_input(state, entered, scope, state_input) if jsonpath else state_input
        counts = [0] * len(state.retriers)
        retry_count = 0
        while True:
            site = self.site(state, entered, scope, data, retry_count)
            try:
                result = attempt(site)
                if jsonpath:
                    output, assigned = self.jp_result(state, site, state_input, result)
                    break
                site.states["result"] = result
                assigned = self.assignments(state.assign, site)
                if state.type == "Task":
                    output = state.output.evaluate(site) if state.output else result
                    break
                if state.output is None:
                    output = result
                    break
            except StatesError as failure:
                self.log_failure(failure, state)
                delay = self.retry_delay(state, counts, failure)
                if delay is not None:
                    self.bounds.check()
                    retry_count += 1
                    self.record.retries += 1
                    self.record.transitions += 1  # AWS bills every retry attempt as a transition
                    self.wait(state.name, delay)
                    continue
                catcher = next((c for c in state.catchers
                                if matches(c.error_equals, failure.error, failure.catchable)), None)
                if catcher is None:
                    raise
                if jsonpath:
                    output, assigned = self.jp_caught(state, site, catcher, failure, state_input)
                    return self.leave(state, scope, output, assigned, catcher.next)
                site.states.pop("result", None)
                site.states["errorOutput"] = failure.output
                assigned = self.assignments(catcher.assign, site)
                output = catcher.output.evaluate(site) if catcher.output else failure.output
                return self.leave(state, scope, output, assigned, catcher.next)
            # Parallel and Map (JSONata): an error in Output fails the state outright
            output = state.output.evaluate(site)
            break
        return self.leave(state, scope, output, assigned, state.next)

    @staticmethod
    def retry_delay(state: asl.State, counts: list[int], error: StatesError) -> float | None:
        """The back-off before the next attempt, or ``None`` (no retrier matches, or the first one
        that matches is exhausted: later retriers are not consulted). Counts the attempt."""
        for i, retrier in enumerate(state.retriers):
            if not matches(retrier.error_equals, error.error, error.catchable):
                continue
            if counts[i] >= retrier.max_attempts:
                return None
            try:
                delay = retrier.interval_seconds * retrier.backoff_rate ** counts[i]
            except OverflowError:  # MaxAttempts in the thousands: no execution lives past a year anyway
                delay = MAX_RETRY_DELAY
            delay = min(delay, MAX_RETRY_DELAY)
            counts[i] += 1
            if retrier.max_delay_seconds is not None:
                delay = min(delay, retrier.max_delay_seconds)
            return random.uniform(0, delay) if retrier.jitter else delay
        return None

    # -- Task ---------------------------------------------------------------------------------
    def run_task(self, state, state_input, scope, entered):
        return self.with_recovery(state, state_input, scope, entered, lambda site: self.task_attempt(state, site))

    def task_attempt(self, state: asl.State, site: Site) -> Any:
        if state.language == "JSONPath":
            arguments = state.parameters.evaluate(site) if state.parameters is not None else site.states["input"]
        else:
            arguments = state.arguments.evaluate(site) if state.arguments is not None else None
        for timeout in state.timeouts:  # evaluated as AWS does; a local call never times out
            timeout.evaluate(site)
        if is_service_resource(state.resource):
            return self.service_task(state, arguments)
        waits = callbacks.is_wait_for_token(state.resource)
        if state.resource == asl.LAMBDA_INVOKE or waits:
            if not isinstance(arguments, dict) or not isinstance(arguments.get("FunctionName"), str):
                raise site.fail("The Arguments of lambda:invoke must be an object with a string FunctionName, "
                                f"but were: {to_json_text(arguments)}")
            asl.check_lambda_arguments(state.name, arguments)
            function, payload, prefix = arguments["FunctionName"], lambda_payload(arguments), "Task"
            details = {"resourceType": "lambda", "resource": "invoke", "region": _region(self.context),
                       "parameters": to_json_text(arguments)}
        else:  # a Lambda function ARN as Resource: Arguments are the payload, the result is the output
            function, payload, prefix = state.resource, arguments, "LambdaFunction"
            details = {"resource": state.resource, "input": to_json_text(arguments)}
        common = {"resourceType": "lambda", "resource": "invoke"} if prefix == "Task" else {}
        self.record.add_event(f"{prefix}Scheduled", f"{_lower(prefix)}ScheduledEventDetails", details)
        if prefix == "Task":
            self.record.add_event("TaskStarted", "taskStartedEventDetails", dict(common))
        else:
            self.record.add_event("LambdaFunctionStarted")
        ok, value, text = self.call_lambda(state, function, payload)
        if not ok:
            self.record.add_event(f"{prefix}Failed", f"{_lower(prefix)}FailedEventDetails",
                                  {**common, "error": value.error, "cause": value.cause})
            value.logged = True
            raise value
        if waits:  # the Lambda's result is not the Task's: the answer sent with the token is
            return self.token_answer(state, site, payload, common, text)
        self.record.add_event(f"{prefix}Succeeded", f"{_lower(prefix)}SucceededEventDetails",
                              {**common, "output": text})
        check_result(text, "lambda")  # AWS names the integration, not the state
        if prefix == "Task":
            return {"Payload": value, "StatusCode": 200, "ExecutedVersion": "$LATEST"}
        return value

    def token_answer(self, state: asl.State, site: Site, payload: Any, common: dict, text: str) -> Any:
        """A ``.waitForTaskToken`` Task after its Lambda returned: the responder's answer (callbacks.py)."""
        self.record.add_event("TaskSubmitted", "taskSubmittedEventDetails", {**common, "output": text})
        token = site.states["context"]["Task"]["Token"]
        result = callbacks.outcome(state.name, token, json.loads(to_json_text(payload)), self.respond)
        if isinstance(result, StatesError):
            timed_out = result.error in (callbacks.TIMEOUT, callbacks.HEARTBEAT_TIMEOUT)
            kind = "TaskTimedOut" if timed_out else "TaskFailed"
            self.record.add_event(kind, f"{_lower(kind)}EventDetails",
                                  {**common, "error": result.error, "cause": result.cause})
            result.logged = True
            raise result
        output = to_json_text(result)
        self.record.add_event("TaskSucceeded", "taskSucceededEventDetails", {**common, "output": output})
        check_result(output, "lambda")
        return result

    def service_task(self, state: asl.State, arguments: Any) -> Any:
        """An AWS service integration, called with boto3 (service_tasks.py)."""
        kind, _, action = state.resource[len("arn:aws:states:::"):].rpartition(":")
        details = {"resourceType": kind, "resource": action, "parameters": to_json_text(arguments)}
        self.record.add_event("TaskScheduled", "taskScheduledEventDetails", details)
        self.record.add_event("TaskStarted", "taskStartedEventDetails", {"resourceType": kind, "resource": action})
        try:
            result = run_service_task(state.resource, arguments, None, self.aws_endpoint_url)
        except StatesError as failure:
            self.record.add_event("TaskFailed", "taskFailedEventDetails",
                                  {"resourceType": kind, "resource": action, "error": failure.error,
                                   "cause": failure.cause})
            failure.logged = True
            raise
        text = to_json_text(result)
        self.record.add_event("TaskSucceeded", "taskSucceededEventDetails",
                              {"resourceType": kind, "resource": action, "output": text})
        check_result(text, kind.split(":")[-1])  # AWS-MEASURED: an oversized SDK result is catchable
        return result

    def call_lambda(self, state: asl.State, function: str, payload: Any) -> tuple[bool, Any, str | None]:
        """``(True, output, output JSON)`` or ``(False, StatesError, None)``."""
        if self.invoke is None:
            raise UnsupportedFeature(f"state '{state.name}' invokes the Lambda function {function!r}, but "
                                     f"run_definition was given no invoke function")
        sent = json.loads(to_json_text(payload))
        self.record.lambda_calls.append(LambdaCall.of(state.name, function, json.loads(to_json_text(payload))))
        response = self.invoke(function, sent)  # the callee gets its own copy
        if isinstance(response, dict) and "ok" in response:
            text = to_json_text(response["ok"])  # through JSON, as a real Lambda response is
            return True, json.loads(text), text
        if isinstance(response, dict) and "errorType" in response:
            error_type, message = str(response["errorType"]), str(response.get("errorMessage", ""))
            extra = {k: v for k, v in response.items() if k not in ("errorType", "errorMessage")}
            return False, StatesError(error_type, lambda_cause(error_type, message, extra)), None
        raise TypeError(f"invoke({function!r}, ...) returned {response!r}: expected {{'ok': value}} or "
                        f"{{'errorType': ..., 'errorMessage': ...}}")

    # -- Parallel and Map ---------------------------------------------------------------------
    def run_parallel(self, state, state_input, scope, entered):
        return self.with_recovery(state, state_input, scope, entered,
                                  lambda site: self.parallel_attempt(state, state_input, scope, site))

    def parallel_attempt(self, state, state_input, scope, site):
        if state.language == "JSONPath":
            branch_input = state.parameters.evaluate(site) if state.parameters is not None else site.states["input"]
        else:
            branch_input = state.arguments.evaluate(site) if state.arguments is not None else state_input
        text = to_json_text(branch_input)
        self.record.add_event("ParallelStateStarted")
        results = []
        try:
            for branch in state.branches:
                inner = scope.inner()
                try:
                    results.append(self.run_machine(branch, branch_input, text, inner)[0])
                finally:
                    inner.release()
        except StatesError:
            self.record.add_event("ParallelStateFailed")
            raise
        self.record.add_event("ParallelStateSucceeded")
        return results

    def run_map(self, state, state_input, scope, entered):
        return self.with_recovery(state, state_input, scope, entered,
                                  lambda site: self.map_attempt(state, state_input, scope, site))

    def map_attempt(self, state, state_input, scope, site):
        if state.language == "JSONPath":
            items, selector_input = self.jp_map_items(state, site), site.states["input"]
        else:
            items, selector_input = self.map_items(state, state_input, site), state_input
        limits = map_failure_limits(state, site)  # (count, percentage) or None: evaluated also when unused
        self.record.add_event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
        results, failures = [], 0
        for index, item in enumerate(items):
            details = {"name": state.name, "index": index}
            self.record.add_event("MapIterationStarted", "mapIterationStartedEventDetails", details)
            inner = scope.isolated() if state.distributed else scope.inner()
            billed = self.record.transitions
            try:
                iteration_input = item
                if state.item_selector is not None:
                    context = dict(site.states["context"], Map={"Item": {"Index": index, "Value": item}})
                    selector_site = Site(state.name, site.entered_event_id, scope.lookup,
                                         {"input": selector_input, "context": context})
                    iteration_input = state.item_selector.evaluate(selector_site)
                text = to_json_text(iteration_input)
                outer = self.record.begin_child(text) if state.distributed else None
                try:
                    results.append(self.run_machine(state.processor, iteration_input, text, inner)[0])
                finally:
                    if state.distributed:
                        self.record.end_child(outer)
            except StatesError as failure:
                self.record.add_event("MapIterationFailed", "mapIterationFailedEventDetails", details)
                if not state.distributed:
                    self.record.add_event("MapStateFailed")
                    raise
                # a DISTRIBUTED Map's child failed: tolerated, or the Map Run fails (AWS-MEASURED)
                failures += 1
                if not _tolerated(limits, failures, len(items)):
                    self.record.add_event("MapStateFailed")
                    raise StatesError(EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                      f"The Map Run of the state '{state.name}' failed: {failures} of {len(items)} "
                                      f"child executions failed, more than the tolerated failure threshold "
                                      f"(last failure: {failure.error}).") from None
                results.append({"Error": failure.error, "Cause": failure.cause, "Status": "FAILED"})
                continue
            finally:
                inner.release()
                if state.express_children:  # Express child workflows are billed by duration, not transitions
                    self.record.transitions = billed
            self.record.add_event("MapIterationSucceeded", "mapIterationSucceededEventDetails", details)
        self.record.add_event("MapStateSucceeded")
        return results

    @staticmethod
    def map_items(state, state_input, site) -> list:
        """JSONata: the items (``Items``, else the state input) and ``MaxConcurrency`` checked."""
        if state.items is not None:
            items = state.items.evaluate(site)
            if not isinstance(items, list):
                raise site.fail(f"{state.items.where} returned an unexpected result type. Expected 'array', but "
                                f"was '{_json_type(items)}' for value: {to_json_text(items)}")
        else:
            items = state_input
            if not isinstance(items, list):
                raise site.fail(f"Map state input must be an array but was: {to_json_text(items)}")
        if state.max_concurrency is not None:  # iterations run one at a time here whatever its value
            limit = state.max_concurrency.evaluate(site)
            if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit != int(limit) or limit < 0:
                raise site.fail(f"The field 'MaxConcurrency' must be a non-negative integer, but its value was: "
                                f"{to_json_text(limit)}")
        return items


def lambda_payload(arguments: dict) -> Any:
    """The event a ``lambda:invoke`` sends: a string ``Payload`` is the request body itself, so
    the function receives it parsed as JSON when it is JSON text (the corpus: ``"0"`` arrives as
    0, ``"[]"`` as []) and as the string otherwise."""
    payload = arguments.get("Payload")
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _tolerated(limits: tuple | None, failures: int, total: int) -> bool:
    """Within ``ToleratedFailureCount``/``Percentage``? A threshold of 0 counts as not set; with
    both set, exceeding either fails the Map Run."""
    count, percentage = limits or (0, 0)
    if not count and not percentage:
        return False
    if count and failures > count:
        return False
    if percentage and failures * 100 > percentage * total:
        return False
    return True


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", dict: "object", list: "array"}.get(type(value), "number")


def _lower(prefix: str) -> str:
    return prefix[0].lower() + prefix[1:]


def _region(context: dict) -> str:
    parts = str(context["StateMachine"].get("Id", "")).split(":")
    return parts[3] if len(parts) > 3 else "us-east-1"
