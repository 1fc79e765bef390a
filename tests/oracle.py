"""The independent oracle: run an ASL definition in moto's ASL interpreter, in-process.

moto 5.2.5 vendors LocalStack's Step Functions interpreter (``moto.stepfunctions.parser``), an
implementation pysfn did not write. It runs synchronously here: no Docker, no server, no network,
no AWS credentials. As shipped it cannot run our JSONata machines, and it deviates from AWS in a
few measured ways, so narrow patches are applied when this module is imported
(``check_patch_points`` fails loudly if moto moves what they replace):

1. JSONata evaluator. moto leaves its evaluator hook ``_eval_jsonata`` unset (moto issue #10105;
   LocalStack itself uses jsonata-java through JPype). We plug in the selected engine:
   ``jsonata-python`` in-process, or the reference implementation (npm jsonata 2.0.6) in a Node
   worker (``--oracle-jsonata=js`` / ``PYSFN_ORACLE_JSONATA=js``).
2. Variable encoding. Before each expression moto prepends the variables it reads as JSONata
   declarations (``$x:=<literal>;``) but writes a string value as ``"{value}"`` without escaping,
   so a ``"`` or ``\\`` in a string variable breaks the expression (or changes the value). We
   encode every value, strings included, as JSON, which is also valid JSONata literal syntax.
3. Time. Wait states and Retry back-off really sleep; the oracle skips the waiting (the
   semantics, e.g. the number of attempts, are unchanged).
4. Characters above U+FFFF reach JSONata whole (moto's ASCII-escaped JSON split them in two).
5. A state's Assign and Output both read the values from before the state.
6. ``$lowercase`` is Python's ``lower()`` in jsonata-python too (it casefolds).
7. A Choice's state-level Assign/Output only on the Default path (no rule matched).
8. String literals of the definition are read as JSON (moto kept an Assign literal's escapes raw).
9. Number literals too (moto made a negative integer a float: -1 became -1.0).
10. A Map's iterations run one after the other, in item order (see the patch).
11. A callback's answer sent before a Task with ``HeartbeatSeconds`` starts waiting is kept (moto
    waited for a heartbeat and timed out). Callbacks are answered by ``execute(..., respond=)``.
12. A missed heartbeat is ``States.HeartbeatTimeout`` (moto said ``States.Timeout``).

Lambda invocations (``arn:aws:states:::lambda:invoke``) are routed to a Python callable given per
execution. An error is shaped like the Lambda runtime's unhandled-error payload, so the machine sees
Error = the error type and Cause = a JSON string ``{"errorMessage": ..., "errorType": ...}``,
as on AWS (where the Cause also carries ``requestId`` and ``stackTrace``).

Known differences from AWS (found by ``tests/test_oracle.py``; keep the compiler conservative):

* A JSONata runtime error (``$error('x')``, ``'a' + 1``) is reported as ``States.Runtime`` with the
  bare message; AWS reports ``States.QueryEvaluationError``. An expression evaluating to undefined
  is ``States.QueryEvaluationError`` as on AWS.
* ``$parse`` is implemented as ``$eval``: a non-JSON string that is valid JSONata is *evaluated*
  (``$parse('nope')`` is undefined, ``$parse('1+1')`` is 2); invalid JSONata gives ``States.Runtime``
  with "Syntax error in expression passed to Object eval".
* ``$hash`` and ``$uuid`` return a "not supported" string.
* A Choice with no matching rule and no Default fails with ``States.Runtime`` (AWS:
  ``States.NoChoiceMatched``).
* (Patched, 7) moto evaluated a Choice's state-level ``Assign``/``Output`` whenever the next state
  was the Default's target, also after a matching rule naming that state; on AWS only when no rule
  matched.
* Causes of moto's own failures are worded a little differently (measured on the conformance
  corpus, ``../shared/conformance``, where this oracle passes 83 of the 117 JSONata and mixed cases
  under either engine; the rest are such wordings and the corpus's Lambda stub): the event id in
  "entered at the event id #N" is one lower, "returned nothing (undefined)" does not name the field,
  "Map state input must be an array but was: <class 'bool'>" names the Python type, and an invalid
  Wait ``Timestamp`` is ``States.Runtime`` (AWS: ``States.QueryEvaluationError``).
* (Patched, 10) Map iterations run one at a time in item order (moto: a thread each), so a failing
  iteration stops the Map after the same Lambda calls in every run.
* ``transitions`` counts ``*StateEntered`` history events: a Retry does not enter the state again,
  so retries are not in it (AWS bills them as transitions); ``lambda_calls`` counts every attempt.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import json
import logging
import os
import threading
import types
from typing import Any, Callable

import jsonata
import jsonata.functions as _jsonata_functions
import jsonata.jsonata as _jsonata_python
import moto
import moto.stepfunctions.parser.asl.component.common.assign.assign_decl as _assign_decl
import moto.stepfunctions.parser.asl.component.state.exec.execute_state as _execute_state
import moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.inline_iteration_component as _inline_map
import moto.stepfunctions.parser.asl.component.state.choice.choice_rule as _choice_rule
import moto.stepfunctions.parser.asl.component.state.choice.state_choice as _state_choice
import moto.stepfunctions.parser.asl.component.state.state as _state
import moto.stepfunctions.parser.asl.component.common.retry.retrier_decl as _retrier_decl
import moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function as _wait_function
import moto.stepfunctions.parser.asl.eval.states as _states
import moto.stepfunctions.parser.asl.eval.callback.callback as _callback
import moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task as _state_task
import moto.stepfunctions.parser.asl.eval.variable_store as _variable_store
import moto.stepfunctions.parser.asl.parse.preprocessor as _preprocessor
import moto.stepfunctions.parser.asl.jsonata.jsonata as _jsonata
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.evaluation_details import AWSExecutionDetails
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventHistoryContext
from moto.stepfunctions.parser.asl.eval.program_state import ProgramEnded, ProgramError, ProgramStopped
from moto.stepfunctions.parser.asl.eval.states import ContextObjectData, ExecutionData, StateMachineData
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

import jsonata_js_engine

__all__ = ["execute", "python_invoke", "check_patch_points", "PATCHED_NAMES", "Invoke",
           "MOTO_VERSION", "JSONATA_VERSION", "ENGINES", "use_engine", "engine", "evaluate"]

MOTO_VERSION = "5.2.5"
JSONATA_VERSION = "0.7.1"  # the jsonata-python distribution
ACCOUNT, REGION = "123456789012", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/oracle"

_PREFIX = "moto.stepfunctions.parser.asl."
# Every moto attribute this module replaces, as "module:attribute.path".
PATCHED_NAMES = [
    _PREFIX + "jsonata.jsonata:_eval_jsonata",                                   # patch 1
    _PREFIX + "jsonata.jsonata:encode_jsonata_variable_declarations",            # patch 2
    _PREFIX + "eval.variable_store:encode_jsonata_variable_declarations",        # patch 2
    _PREFIX + "eval.states:encode_jsonata_variable_declarations",                # patch 2
    _PREFIX + "component.common.retry.retrier_decl:time",                        # patch 3
    _PREFIX + "component.state.wait.wait_function.wait_function:WaitFunction._wait_interval",  # patch 3
    _PREFIX + "component.state.exec.state_task.lambda_eval_utils:_invoke_lambda_function",     # Lambda
    _PREFIX + "component.common.assign.assign_decl:AssignDecl._eval_body",                     # patch 5
    _PREFIX + "component.state.state:CommonStateField._eval_body",                             # patch 5
    _PREFIX + "component.state.exec.execute_state:ExecutionState._evaluate_with_timeout",      # patch 5
    "jsonata.functions:Functions.lowercase",                                                    # patch 6
    _PREFIX + "component.state.choice.choice_rule:ChoiceRule._eval_body",                      # patch 7
    _PREFIX + "component.state.choice.state_choice:StateChoice._eval_state_output",            # patch 7
    _PREFIX + "parse.preprocessor:from_string_literal",                                         # patch 8
    _PREFIX + "parse.preprocessor:Preprocessor.visitAssign_template_value_terminal_string_literal",  # 8
    _PREFIX + "parse.preprocessor:Preprocessor.visitAssign_template_value_terminal_float",     # patch 9
    _PREFIX + "parse.preprocessor:Preprocessor.visitJsonata_template_value_terminal_float",    # patch 9
    _PREFIX + "parse.preprocessor:Preprocessor.visitPayload_value_float",                      # patch 9
    _PREFIX + "component.state.exec.state_map.iteration.inline_iteration_component:"
              "InlineIterationComponent._launch_worker",                                      # patch 10
    _PREFIX + "eval.callback.callback:CallbackEndpoint.setup_heartbeat_endpoint",              # patch 11
    _PREFIX + "component.state.exec.state_task.state_task:StateTask._from_error",              # patch 12
]

# (function name or ARN as the machine gives it, payload) -> {"ok": value} | {"errorType", "errorMessage"}
Invoke = Callable[[str, Any], dict]


def _resolve(patched_name: str) -> tuple[Any, str]:
    """The object owning a patched attribute, and the attribute's name."""
    module_name, _, path = patched_name.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attribute = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, attribute


def check_patch_points() -> None:
    """Fail loudly if the pinned versions changed or a moto upgrade moved what we patch."""
    assert moto.__version__ == MOTO_VERSION, f"the oracle is pinned to moto {MOTO_VERSION}, not {moto.__version__}"
    installed = importlib.metadata.version("jsonata-python")
    assert installed == JSONATA_VERSION, f"the oracle is pinned to jsonata-python {JSONATA_VERSION}, not {installed}"
    for patched_name in PATCHED_NAMES:
        owner, attribute = _resolve(patched_name)
        assert hasattr(owner, attribute), f"moto no longer has {patched_name}"


check_patch_points()
logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)  # it logs a dump per error


# Patch 1: evaluate JSONata with the selected engine. moto hands over one self-contained expression
# (variable declarations prepended) and evaluates it against no input document.
#   "python": jsonata-python (pure Python, in-process; the same library pysfn.local uses);
#   "js":     the JSONata reference implementation, npm jsonata 2.0.6 (the version AWS implements),
#             in a long-lived Node worker (tests/jsonata_js_engine.py).
# The differential suite runs under both: an expression pysfn emits on which they disagree is a
# compiler bug, unless AWS-MEASURED.md says which one is right (then the wrong one is patched here).
ENGINES = ("python", "js")
_ENGINE_VARIABLE = "PYSFN_ORACLE_JSONATA"
_engine = os.environ.get(_ENGINE_VARIABLE, "python") or "python"
assert _engine in ENGINES, f"{_ENGINE_VARIABLE} must be one of {ENGINES}, not {_engine!r}"


def use_engine(name: str) -> None:
    """Select the JSONata engine of every later execution ("python" or "js")."""
    global _engine
    assert name in ENGINES, f"the oracle's JSONata engine is one of {ENGINES}, not {name!r}"
    if name == "js":
        assert jsonata_js_engine.version() == jsonata_js_engine.VERSION
    _engine = name


def engine() -> str:
    return _engine


def evaluate(expression: str) -> Any:
    """One JSONata expression in the selected engine: None for undefined (and null), as moto expects
    (it tells them apart by evaluating ``$exists(...)`` of the same expression)."""
    if _engine == "js":
        result = jsonata_js_engine.evaluate(expression)
        return None if result is jsonata_js_engine.UNDEFINED else result
    compiled = jsonata.Jsonata(expression)
    compiled.environment.bind("lowercase", _LOWERCASE)  # patch 6, below
    return compiled.evaluate(None)


_jsonata._eval_jsonata = evaluate


# Patch 2: bind variables as JSON literals, strings included (moto's version splices strings raw).
# Patch 4 (surrogates): the literals keep characters above U+FFFF as they are. moto's JSON escapes
# them (ensure_ascii) as two \uXXXX surrogate escapes, which jsonata-python reads as two separate
# characters: "👍" then had $length 2 and $substring split it. AWS counts it as one code point.
def _json_default(value: Any) -> str:  # as moto's to_json_str: dates as ISO text, anything else str()
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else str(value)


def _encode_variables(bindings: dict) -> str:
    return "".join(f"{name}:={json.dumps(value, ensure_ascii=False, separators=(',', ':'), default=_json_default)};"
                   for name, value in bindings.items())


# The two users imported the function by name, so each module's reference is replaced.
_jsonata.encode_jsonata_variable_declarations = _encode_variables
_variable_store.encode_jsonata_variable_declarations = _encode_variables
_states.encode_jsonata_variable_declarations = _encode_variables

# Patch 3: no real sleeping. Retry calls time.sleep(interval) through its module's `time`;
# Wait states block in WaitFunction._wait_interval.
_retrier_decl.time = types.SimpleNamespace(sleep=lambda seconds: None)
_wait_function.WaitFunction._wait_interval = lambda self, env, wait_seconds: None


# Patch 5: a state's Assign and Output both read the values from before the state (AWS evaluates
# them "in parallel": Output does not see that state's Assign, nor a Catch's Output its Assign).
# moto writes each Assign into the variable store at once, before Output is evaluated. Here an
# Assign evaluated while a state runs is held back and written when the state has finished (its
# Output included). An attempt of a Task/Map/Parallel that fails after its Assign was evaluated
# drops what it held (a retry or a Catch follows; the Catch's own Assign is held and written).
_PENDING = "_pysfn_pending_assign"


def _deferred_assign(self, env) -> None:
    declarations: dict[str, Any] = {}
    for binding in self.declaration_bindings:
        binding.eval(env=env)
        declarations.update(env.stack.pop())
    pending = getattr(env, _PENDING, None)
    if pending is None:  # not inside a state (no known caller): moto's behaviour
        for identifier, value in declarations.items():
            env.variable_store.set(variable_identifier=identifier, variable_value=value)
    else:
        pending.update(declarations)


_original_state_body = _state.CommonStateField._eval_body


def _state_body_then_assign(self, env) -> None:
    outer = getattr(env, _PENDING, None)  # states nest in one env only through child frames; be safe
    pending: dict[str, Any] = {}
    setattr(env, _PENDING, pending)
    try:
        _original_state_body(self, env)
    finally:
        setattr(env, _PENDING, outer)
    for identifier, value in pending.items():
        env.variable_store.set(variable_identifier=identifier, variable_value=value)


_original_attempt = _execute_state.ExecutionState._evaluate_with_timeout


def _attempt_dropping_assign_on_failure(self, env) -> None:
    try:
        _original_attempt(self, env)
    except BaseException:
        pending = getattr(env, _PENDING, None)
        if pending is not None:
            pending.clear()
        raise


_assign_decl.AssignDecl._eval_body = _deferred_assign
_state.CommonStateField._eval_body = _state_body_then_assign
_execute_state.ExecutionState._evaluate_with_timeout = _attempt_dropping_assign_on_failure


# Patch 6: jsonata-python's $lowercase is str.casefold ("Straße" -> "strasse", "ǆ" stays, "ﬁ" ->
# "fi"); AWS's $lowercase matches Python's lower() (AWS-MEASURED.md), and so does the reference
# implementation's (JavaScript toLowerCase). Its $uppercase is already str.upper. The fix is bound
# in each oracle expression's own frame, not in jsonata-python's global function table: pysfn.local
# uses the same library in the same test process, and must be measured as it is.
def _lowercase(string):
    if string is None or string is _jsonata_python.utils.Utils.NULL_VALUE:
        return _jsonata_functions.Functions.lowercase(string)  # undefined stays undefined, null is T0410
    return string.lower()


_LOWERCASE = _jsonata_python.Jsonata.JNativeFunction("lowercase", "<s-:s>", _jsonata_functions.Functions, "lowercase")
_LOWERCASE.method = _lowercase


# Patch 7: a Choice's state-level Assign and Output apply only when no rule matched (AWS-MEASURED.md:
# the Default path). moto applies them whenever the next state is the Default's target, also after
# a matching rule that names that same state. Each rule records on the env whether it matched (the
# rules are tried in order and the first match ends the search, so the last record tells).
_RULE_MATCHED = "_pysfn_choice_rule_matched"
_original_rule_body = _choice_rule.ChoiceRule._eval_body
_original_choice_output = _state_choice.StateChoice._eval_state_output


def _rule_body_recording_match(self, env) -> None:
    _original_rule_body(self, env)
    setattr(env, _RULE_MATCHED, env.stack[-1] is True)


def _choice_output_default_path_only(self, env) -> None:
    matched_rule_to_default = (getattr(env, _RULE_MATCHED, False) and self.default_state is not None
                               and env.stack[-1] == self.default_state.state_name)
    if matched_rule_to_default and not self._is_language_query_jsonpath():
        env.next_state_name = env.stack.pop()  # what moto's version does, minus the Assign/Output
        return
    _original_choice_output(self, env)


_choice_rule.ChoiceRule._eval_body = _rule_body_recording_match
_state_choice.StateChoice._eval_state_output = _choice_output_default_path_only


# Patch 8: string literals of the definition mean what their JSON means. moto kept an Assign's
# literal string as its raw JSON text (`"a\"b"` was stored as `a\"b`, "\n" as backslash-n), and
# read the other literals with Python's literal_eval (not JSON's rules: an escaped pair of
# surrogates stayed two characters). The token of a string literal is JSON text: json.loads it.
def _json_string_literal(parser_rule_context) -> str | None:
    text = parser_rule_context.getText()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            return json.loads(text)
        except ValueError:
            pass
    return _original_from_string_literal(parser_rule_context)  # other tokens: as moto reads them


def _assign_string_literal(self, ctx):
    return _preprocessor.AssignTemplateValueTerminalLit(value=_json_string_literal(ctx.string_literal()))


_original_from_string_literal = _preprocessor.from_string_literal
_preprocessor.from_string_literal = _json_string_literal
_preprocessor.Preprocessor.visitAssign_template_value_terminal_string_literal = _assign_string_literal


# Patch 9: number literals of the definition mean what their JSON means. moto's grammar reads a
# negative integer (-1) as its NUMBER token and makes it a float (-1.0): a callee given `-1` got
# -1.0 (and returned a float where CPython's int arithmetic gives an int).
def _json_number(ctx) -> Any:
    return json.loads(ctx.NUMBER().getText())


_preprocessor.Preprocessor.visitAssign_template_value_terminal_float = (
    lambda self, ctx: _preprocessor.AssignTemplateValueTerminalLit(value=_json_number(ctx)))
_preprocessor.Preprocessor.visitJsonata_template_value_terminal_float = (
    lambda self, ctx: _preprocessor.JSONataTemplateValueTerminalLit(value=_json_number(ctx)))
_preprocessor.Preprocessor.visitPayload_value_float = (
    lambda self, ctx: _preprocessor.PayloadValueFloat(val=_json_number(ctx)))


# Patch 10: a Map's iterations run one after the other, in item order, as in pysfn.local. moto starts
# one thread per iteration (up to MaxConcurrency); when an iteration fails, how many of the others
# had already called their Lambda depends on the threads' interleaving (on AWS too), so the Lambda
# call counts the differential tests compare were a race. One worker in this thread takes the jobs
# in order and stops at the first failure (moto's JobPool hands out no job after one failed).
def _run_worker_here(self, env, eval_input, job_pool):
    worker = self._create_worker(env=env, eval_input=eval_input, job_pool=job_pool)
    worker.eval()
    return worker


_inline_map.InlineIterationComponent._launch_worker = _run_worker_here


# Lambda calls. Executions run one at a time (`_one_execution`); while one runs, `_current` holds
# its invoke function, so every worker thread of its Map/Parallel states reaches the same one.
class _Current:
    invoke: Invoke | None = None
    calls: int = 0
    harness_error: BaseException | None = None
    respond: Callable[[str, Any], dict] | None = None  # answers .waitForTaskToken Tasks
    pool: Any = None                                     # the execution's CallbackPoolManager


_current = _Current()
_counter_lock = threading.Lock()
_one_execution = threading.Lock()


def _invoke_lambda(parameters: dict, region: str, state_credentials: Any) -> dict:
    """Replaces moto's boto3 ``lambda.invoke``: returns the invocation response moto expects."""
    payload = parameters.get("Payload")
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    if isinstance(payload, str) and payload:
        payload = json.loads(payload)
    with _counter_lock:
        _current.calls += 1
        invoke = _current.invoke
    try:
        response = invoke(parameters["FunctionName"], payload)
        if "ok" in response:
            _answer_callback(payload)
            # Through JSON, as a real Lambda response is: plain JSON types, a fresh copy.
            return {"StatusCode": 200, "Payload": json.loads(json.dumps(response["ok"]))}
        error = {"errorMessage": str(response["errorMessage"]), "errorType": str(response["errorType"])}
    except BaseException as e:  # a bug in the test's callable, not a Lambda error: re-raised by execute
        with _counter_lock:
            _current.harness_error = _current.harness_error or e
        raise
    # moto raises LambdaFunctionErrorException(FunctionError, compact JSON of Payload); the state
    # then fails with Error = Payload["errorType"] and Cause = that JSON string.
    return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": error}


lambda_eval_utils._invoke_lambda_function = _invoke_lambda


# Callbacks (.waitForTaskToken). moto's Task waits on its CallbackPoolManager for the outcome of its
# token, as SendTaskSuccess/SendTaskFailure would notify it. Here the execution's ``respond(token,
# payload)`` answers, right after the Lambda returns: {"ok": value} (SendTaskSuccess with the JSON
# of value), {"error": E, "cause": C} (SendTaskFailure) or {"timeout": "States.Timeout" |
# "States.HeartbeatTimeout"} (the timer firing). The token is found in the payload the Lambda got.
def _answer_callback(payload: Any) -> None:
    respond, pool = _current.respond, _current.pool
    if respond is None or pool is None:
        return
    sent = json.dumps(payload)
    for token, endpoint in list(pool._pool.items()):
        if endpoint.get_outcome() is None and json.dumps(token) in sent:
            answer = respond(token, payload)
            if "ok" in answer:
                outcome = _callback.CallbackOutcomeSuccess(callback_id=token, output=json.dumps(answer["ok"]))
            elif "error" in answer:
                outcome = _callback.CallbackOutcomeFailure(callback_id=token, error=answer["error"],
                                                           cause=answer.get("cause"))
            elif answer.get("timeout") == "States.HeartbeatTimeout":
                outcome = _callback.HeartbeatTimedOut()
            else:
                outcome = _callback.CallbackOutcomeTimedOut(callback_id=token)
            pool.notify(token, outcome)


# Patch 11: an answer that arrives before a Task with HeartbeatSeconds starts waiting is not lost.
# moto makes the heartbeat endpoint after the Lambda call and then waits HeartbeatSeconds for a
# heartbeat, so an answer sent during the call (as the Lambda itself may send it on AWS) timed out.
_original_setup_heartbeat = _callback.CallbackEndpoint.setup_heartbeat_endpoint


def _setup_heartbeat_seeing_an_earlier_answer(self, heartbeat_seconds):
    endpoint = _original_setup_heartbeat(self, heartbeat_seconds)
    if self.get_outcome() is not None:
        endpoint.notify()
    return endpoint


_callback.CallbackEndpoint.setup_heartbeat_endpoint = _setup_heartbeat_seeing_an_earlier_answer


# Patch 12: a missed heartbeat fails the Task with States.HeartbeatTimeout (the ASL spec and AWS's
# error names); moto reported every timeout, heartbeat included, as States.Timeout.
_original_task_from_error = _state_task.StateTask._from_error


def _task_from_error_heartbeat_apart(self, env, ex):
    if isinstance(ex, _callback.HeartbeatTimeoutError):
        from moto.stepfunctions.parser.api import HistoryEventType, TaskTimedOutEventDetails
        from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
        from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
        from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
            StatesErrorNameType)
        from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
        name = StatesErrorNameType.StatesHeartbeatTimeout
        return FailureEvent(env=env, error_name=StatesErrorName(typ=name), event_type=HistoryEventType.TaskTimedOut,
                            event_details=EventDetails(taskTimedOutEventDetails=TaskTimedOutEventDetails(
                                error=name.to_name())))
    return _original_task_from_error(self, env, ex)


_state_task.StateTask._from_error = _task_from_error_heartbeat_apart


def python_invoke(fn: Callable[[Any], Any]) -> Invoke:
    """An ``Invoke`` calling ``fn(payload)``; an exception becomes a Lambda unhandled error whose
    errorType is the exception's class name (unqualified) and errorMessage ``str(e)``."""
    def invoke(function_name: str, payload: Any) -> dict:
        try:
            return {"ok": fn(payload)}
        except Exception as e:
            return {"errorType": type(e).__name__, "errorMessage": str(e)}
    return invoke


def _plain(value: Any) -> Any:
    """Plain JSON types (jsonata-python returns list subclasses)."""
    return json.loads(to_json_str(value))


def execute(definition: dict | str, input: Any, invoke: Invoke, name: str = "oracle", respond=None) -> dict:
    """Run ``definition`` (a dict or JSON text) on ``input`` to its end.

    ``invoke(function_name, payload)`` serves every ``lambda:invoke`` Task: ``function_name`` is
    the Task's ``FunctionName`` as given (a name or an ARN), ``payload`` its ``Payload`` (JSON);
    it returns ``{"ok": value}`` or ``{"errorType": str, "errorMessage": str}``. An exception
    raised by ``invoke`` is a bug in the test and is re-raised here.

    Returns ``{"status": "SUCCEEDED", "output": ...}`` or
    ``{"status": "FAILED", "error": ..., "cause": ...}`` (other ends: ``{"status": <class name>}``),
    always with ``"transitions"`` (states entered, counted from the execution's event history,
    inside Parallel branches and Map iterations too) and ``"lambda_calls"`` (every invocation,
    retries included). ``respond(token, payload)`` answers ``.waitForTaskToken`` Tasks (see
    ``_answer_callback``).
    """
    # Patch 4 (surrogates), in the definition: moto's ASL parser reads a JSON escape of a character
    # above U+FFFF ("\ud83d\udc4d") as two lone surrogates, so a "👍" inside an expression broke in
    # two. The text is handed over with such characters written as themselves.
    text = json.dumps(json.loads(definition) if isinstance(definition, str) else definition, ensure_ascii=False)
    program, _ = AmazonStateLanguageParser.parse(text)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    env = Environment(
        aws_execution_details=AWSExecutionDetails(account=ACCOUNT, region=REGION, role_arn=ROLE),
        execution_type="STANDARD",
        context=ContextObjectData(
            Execution=ExecutionData(Id=f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{name}:x",
                                    Input=input, Name="x", RoleArn=ROLE, StartTime=now),
            StateMachine=StateMachineData(Id=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}",
                                          Name=name)),
        event_history_context=EventHistoryContext.of_program_start(),
        cloud_watch_logging_session=None, activity_store={})
    with _one_execution:
        _current.invoke, _current.calls, _current.harness_error = invoke, 0, None
        _current.respond, _current.pool = respond, env.callback_pool_manager
        try:
            program.eval(env)  # synchronous: Map/Parallel worker threads are joined inside
            calls, harness_error = _current.calls, _current.harness_error
        finally:
            _current.invoke, _current.harness_error = None, None
            _current.respond, _current.pool = None, None
    if harness_error is not None:
        raise harness_error
    # Child environments (branches, iterations) share the root's event manager.
    history = env.event_manager.get_event_history()
    stats = {"transitions": sum(1 for event in history if str(event["type"]).endswith("StateEntered")),
             "lambda_calls": calls}
    state = env.program_state()
    if isinstance(state, ProgramEnded):
        return {"status": "SUCCEEDED", "output": _plain(env.states.get_input()), **stats}
    if isinstance(state, ProgramError):
        error = state.error or {}
        return {"status": "FAILED", "error": error.get("error"), "cause": error.get("cause"), **stats}
    if isinstance(state, ProgramStopped):
        return {"status": "ABORTED", "error": state.error, "cause": state.cause, **stats}
    return {"status": type(state).__name__, **stats}
