"""The independent oracle: run an ASL definition in moto's ASL interpreter, in-process.

moto 5.2.5 vendors LocalStack's Step Functions interpreter (``moto.stepfunctions.parser``), an
implementation pysfn did not write. It runs synchronously here: no Docker, no server, no network,
no AWS credentials. As shipped it cannot run our JSONata machines, so three narrow patches are
applied when this module is imported (``check_patch_points`` fails loudly if moto moves them):

1. JSONata evaluator. moto leaves its evaluator hook ``_eval_jsonata`` unset (moto issue #10105;
   LocalStack itself uses jsonata-java through JPype). We plug in the pure-Python
   ``jsonata-python``.
2. Variable encoding. Before each expression moto prepends the variables it reads as JSONata
   declarations (``$x:=<literal>;``) but writes a string value as ``"{value}"`` without escaping,
   so a ``"`` or ``\\`` in a string variable breaks the expression (or changes the value). We
   encode every value, strings included, as JSON, which is also valid JSONata literal syntax.
3. Time. Wait states and Retry back-off really sleep; the oracle skips the waiting (the
   semantics, e.g. the number of attempts, are unchanged).

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
* A Choice's state-level ``Assign``/``Output`` is evaluated only when the next state is the
  Default's target (even after a matching rule naming that state); AWS documents the state-level
  ``Assign`` as applying whichever rule matched. Rule-level ``Assign`` agrees.
* ``transitions`` counts ``*StateEntered`` history events: a Retry does not enter the state again,
  so retries are not in it (AWS bills them as transitions); ``lambda_calls`` counts every attempt.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import json
import logging
import threading
import types
from typing import Any, Callable

import jsonata
import moto
import moto.stepfunctions.parser.asl.component.common.retry.retrier_decl as _retrier_decl
import moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function as _wait_function
import moto.stepfunctions.parser.asl.eval.states as _states
import moto.stepfunctions.parser.asl.eval.variable_store as _variable_store
import moto.stepfunctions.parser.asl.jsonata.jsonata as _jsonata
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.evaluation_details import AWSExecutionDetails
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventHistoryContext
from moto.stepfunctions.parser.asl.eval.program_state import ProgramEnded, ProgramError, ProgramStopped
from moto.stepfunctions.parser.asl.eval.states import ContextObjectData, ExecutionData, StateMachineData
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

__all__ = ["execute", "python_invoke", "check_patch_points", "PATCHED_NAMES", "Invoke",
           "MOTO_VERSION", "JSONATA_VERSION"]

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


# Patch 1: evaluate JSONata with jsonata-python. moto hands over one self-contained expression
# (variable declarations prepended) and evaluates it against no input document.
def _eval_jsonata(expression: str) -> Any:
    return jsonata.Jsonata(expression).evaluate(None)


_jsonata._eval_jsonata = _eval_jsonata


# Patch 2: bind variables as JSON literals, strings included (moto's version splices strings raw).
# Characters are written as themselves (ensure_ascii=False): jsonata-python reads a "\ud83d\udc4d"
# escape as two lone surrogates, so "👍" in a variable or in $states.input broke later steps.
def _encode_variables(bindings: dict) -> str:
    return "".join(f"{name}:={json.dumps(json.loads(to_json_str(value)), ensure_ascii=False, separators=(',', ':'))};"
                   for name, value in bindings.items())


# The two users imported the function by name, so each module's reference is replaced.
_jsonata.encode_jsonata_variable_declarations = _encode_variables
_variable_store.encode_jsonata_variable_declarations = _encode_variables
_states.encode_jsonata_variable_declarations = _encode_variables

# Patch 3: no real sleeping. Retry calls time.sleep(interval) through its module's `time`;
# Wait states block in WaitFunction._wait_interval.
_retrier_decl.time = types.SimpleNamespace(sleep=lambda seconds: None)
_wait_function.WaitFunction._wait_interval = lambda self, env, wait_seconds: None


# Lambda calls. Executions run one at a time (`_one_execution`); while one runs, `_current` holds
# its invoke function, so every worker thread of its Map/Parallel states reaches the same one.
class _Current:
    invoke: Invoke | None = None
    calls: int = 0
    harness_error: BaseException | None = None


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


def execute(definition: dict | str, input: Any, invoke: Invoke, name: str = "oracle") -> dict:
    """Run ``definition`` (a dict or JSON text) on ``input`` to its end.

    ``invoke(function_name, payload)`` serves every ``lambda:invoke`` Task: ``function_name`` is
    the Task's ``FunctionName`` as given (a name or an ARN), ``payload`` its ``Payload`` (JSON);
    it returns ``{"ok": value}`` or ``{"errorType": str, "errorMessage": str}``. An exception
    raised by ``invoke`` is a bug in the test and is re-raised here.

    Returns ``{"status": "SUCCEEDED", "output": ...}`` or
    ``{"status": "FAILED", "error": ..., "cause": ...}`` (other ends: ``{"status": <class name>}``),
    always with ``"transitions"`` (states entered, counted from the execution's event history,
    inside Parallel branches and Map iterations too) and ``"lambda_calls"`` (every invocation,
    retries included).
    """
    text = definition if isinstance(definition, str) else json.dumps(definition)
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
        try:
            program.eval(env)  # synchronous: Map/Parallel worker threads are joined inside
            calls, harness_error = _current.calls, _current.harness_error
        finally:
            _current.invoke, _current.harness_error = None, None
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
