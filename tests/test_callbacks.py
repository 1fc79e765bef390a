"""Callbacks (issue 18, item 3): ``PSF.wait_for_callback(callee, *args, timeout=, heartbeat=)``.

The manager-approval workflow (tests/aws_workflows/aws_approval.py) natively (the responder a
test registers answers), in pysfn.local (the same responder, through ``run_definition(respond=)``),
in the oracle (moto's own callback pool, answered by the responder) and on a real moto_server on
127.0.0.1 (deployed with ``pysfn deploy``; the test reads the token from the execution history
and answers with boto3's SendTaskSuccess/SendTaskFailure; timers really fire there), with equal
results: approve, reject (``except Rejected``), timeout (``except PSF.Timeout``), an uncaught
failure and an uncaught timeout; plus the compile-time checks, and a run nobody can answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

import oracle
import pysfn as PSF
from differential import compile_and_package, import_workflow, python_error_of_expression, run_native
from independent_validators import independent_problems
from lambda_worker import LambdaWorker
from pysfn.compiler import CompileError, compile_file
from pysfn.local import UnsupportedFeature, run_definition
from pysfn.packaging import build_zip

APPROVAL = Path(__file__).parent / "aws_workflows" / "aws_approval.py"
WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken"


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    """Both entries compiled, served by one worker running the real zip in a clean interpreter."""
    tmp = tmp_path_factory.mktemp("approval")
    compiled = {entry: compile_file(APPROVAL, entry=entry, lambda_arn="arn:aws:lambda:us-east-1:123456789012:"
                                    "function:dispatcher") for entry in ("approve", "escalate")}
    callees = sorted({c for result in compiled.values() for c in result.callees})
    extracted = "\n".join(filter(None, (r.extracted_source for r in compiled.values()))) or None
    zip_path = tmp / "approval.zip"
    build_zip(APPROVAL, zip_path, callees, compiled["approve"].local_modules, compiled["approve"].extracted_source)
    assert extracted == compiled["approve"].extracted_source  # escalate extracts nothing
    worker = LambdaWorker(zip_path).__enter__()
    yield {entry: result.definition for entry, result in compiled.items()}, worker
    worker.close()


def _raise(e):
    raise e


class Answers:
    """A responder that records what it was asked (token and arguments)."""

    def __init__(self, answer):
        self.answer, self.asked = answer, []

    def __call__(self, token, *args):
        self.asked.append((token, *args))
        return self.answer(token, *args)


def _three_modes(machines, entry, inp, answer):
    """(native, pysfn.local, oracle) results, and what the responder was asked in each."""
    definitions, worker = machines
    module = import_workflow(APPROVAL)
    results, asked = [], []
    for mode in ("native", "local", "oracle"):
        responder = Answers(answer)
        with PSF.callbacks.responding(module.ask_manager, responder):
            if mode == "native":
                result = run_native(module, entry, inp)
            elif mode == "local":
                r = run_definition(definitions[entry], inp, lambda name, payload: worker.invoke(payload),
                                   respond=PSF.callbacks.answer)
                result = {"status": r.status, **({"output": r.output} if r.status == "SUCCEEDED"
                                                 else {"error": r.error, "cause": r.cause})}
            else:
                r = oracle.execute(definitions[entry], inp, lambda name, payload: worker.invoke(payload),
                                   respond=PSF.callbacks.answer)
                result = {k: r[k] for k in ("status", "output", "error", "cause") if k in r}
        result = python_error_of_expression(result)
        message = PSF.callbacks.ANSWER_PROBLEM
        if result.get("error") == "CallbackAnswerError" and result["cause"].endswith(": " + message):
            # the machine's cause quotes the failed expression (which holds the message too) first
            result["cause"] = message
        results.append(result)
        asked.append(responder.asked)
    return results, asked


PATHS = [
    # (id, input, responder, expected result)
    ("approved", {"order_id": "o-1", "amount": 250.0}, lambda t, o, a: {"by": "Straße 👍", "limit": 500.0},
     {"status": "SUCCEEDED", "output": {"status": "approved", "by": "Straße 👍", "limit": 500, "over": False,
                                        "note": "Straße 👍 allowed 500", "shipped": "o-1 shipped, approved by Straße 👍"}}),
    ("approved-fraction", {"order_id": "", "amount": 1e16}, lambda t, o, a: {"by": "", "limit": 2.5},
     {"status": "SUCCEEDED", "output": {"status": "approved", "by": "", "limit": 2.5, "over": True,
                                        "note": " allowed 2.5", "shipped": " shipped, approved by "}}),
    ("approved-zero", {"order_id": "o-0", "amount": 100.0}, lambda t, o, a: {"by": "z", "limit": -0.0},
     {"status": "SUCCEEDED", "output": {"status": "approved", "by": "z", "limit": 0, "over": True,
                                        "note": "z allowed 0", "shipped": "o-0 shipped, approved by z"}}),
    ("rejected", {"order_id": "o-2", "amount": 2000.0}, lambda t, o, a: _raise(_approval().Rejected("over budget")),
     {"status": "SUCCEEDED", "output": {"status": "rejected", "why": "over budget"}}),
    ("timeout", {"order_id": "o-3", "amount": 300.0}, lambda t, o, a: _raise(PSF.Timeout()),
     {"status": "SUCCEEDED", "output": {"status": "expired", "order_id": "o-3"}}),
    ("heartbeat", {"order_id": "o-4", "amount": 300.0}, lambda t, o, a: _raise(PSF.HeartbeatTimeout()),
     {"status": "SUCCEEDED", "output": {"status": "expired", "order_id": "o-4"}}),
    ("other-failure", {"order_id": "o-5", "amount": 300.0}, lambda t, o, a: _raise(ValueError("no such order")),
     {"status": "FAILED", "error": "ValueError", "cause": "no such order"}),
    ("answer-beyond-2**53", {"order_id": "o-6", "amount": 300.0}, lambda t, o, a: {"by": "x", "limit": 2 ** 60},
     {"status": "FAILED", "error": "CallbackAnswerError", "cause": PSF.callbacks.ANSWER_PROBLEM}),
    ("answer-with-$float", {"order_id": "o-7", "amount": 300.0}, lambda t, o, a: {"$float": 1},
     {"status": "FAILED", "error": "CallbackAnswerError", "cause": PSF.callbacks.ANSWER_PROBLEM}),
]


def _approval():
    return import_workflow(APPROVAL)


@pytest.mark.parametrize("inp, answer, expected", [p[1:] for p in PATHS], ids=[p[0] for p in PATHS])
def test_approval_natively_in_pysfn_local_and_in_the_oracle(machines, inp, answer, expected):
    results, asked = _three_modes(machines, "approve", inp, answer)
    assert results[0] == expected
    assert results[1] == expected, "pysfn.local"
    assert results[2] == expected, "oracle"
    for questions in asked:  # each mode asked once: (token, order_id, amount), the amount a float
        ((token, order_id, amount),) = questions
        assert isinstance(token, str) and token and (order_id, amount) == (inp["order_id"], inp["amount"])
        assert type(amount) is float


def test_small_amounts_need_no_approval(machines):
    results, asked = _three_modes(machines, "approve", {"order_id": "o-8", "amount": 99.5},
                                  lambda *a: _raise(AssertionError("not asked")))
    assert results == [{"status": "SUCCEEDED", "output": {"status": "auto", "shipped": "o-8 shipped, approved by policy"}}] * 3
    assert asked == [[], [], []]


@pytest.mark.parametrize("answer, expected", [
    (lambda t, o, a: ["a", None, [], {}, 2.0], {"status": "SUCCEEDED", "output": {"status": "answered",
                                                                                "answer": ["a", None, [], {}, 2]}}),
    (lambda t, o, a: None, {"status": "SUCCEEDED", "output": {"status": "answered", "answer": None}}),
    (lambda t, o, a: _raise(PSF.HeartbeatTimeout()), {"status": "SUCCEEDED",
                                                      "output": {"status": "silent", "order_id": "e"}}),
    (lambda t, o, a: _raise(_approval().Escalated("to the board")),
     {"status": "FAILED", "error": "Escalated", "cause": "to the board"}),
], ids=["any-json", "null", "heartbeat-caught", "failure-uncaught"])
def test_escalation_answers_and_uncaught_errors(machines, answer, expected):
    results, _ = _three_modes(machines, "escalate", {"order_id": "e"}, answer)
    assert results == [expected] * 3


def test_an_uncaught_timeout_fails_with_states_timeout(machines):
    results, _ = _three_modes(machines, "escalate", {"order_id": "e"}, lambda t, o, a: _raise(PSF.Timeout()))
    assert [(r["status"], r["error"]) for r in results] == [("FAILED", "States.Timeout")] * 3
    with PSF.callbacks.responding("ask_manager", lambda *a: _raise(PSF.Timeout())), pytest.raises(PSF.Timeout):
        _approval().escalate(order_id="e")  # natively: the exception itself


def test_the_task_sends_the_token_first_and_waits(machines):
    definitions, _ = machines
    (task,) = [s for s in definitions["approve"]["States"].values() if s.get("Resource") == WAIT]
    assert task["Arguments"]["Payload"]["args"][:3] == ["{% $states.context.Task.Token %}", "{% $order_id %}",
                                                        "{% $amount %}"]
    assert (task["TimeoutSeconds"], task["HeartbeatSeconds"]) == (24 * 3600, 3600)
    assert [c["ErrorEquals"] for c in task["Catch"]] == [["Rejected"], ["States.HeartbeatTimeout", "States.Timeout"]]
    for definition in definitions.values():  # the project's validator ran in compile_file; now the others
        assert independent_problems(definition) == []


def test_the_callee_runs_natively_with_the_token_before_the_responder():
    module = _approval()
    module.NOTIFIED.clear()
    seen = []
    with PSF.callbacks.responding(module.ask_manager, lambda token, *args: seen.append(token) or {"by": "b", "limit": 1}):
        module.approve(order_id="n-1", amount=150.0)
    assert [n["token"] for n in module.NOTIFIED] == seen and module.NOTIFIED[0]["order_id"] == "n-1"


def test_without_a_responder_nothing_waits_forever(machines, tmp_path):
    module = _approval()
    module.NOTIFIED.clear()
    PSF.callbacks.clear()
    with pytest.raises(PSF.callbacks.NoResponder, match="PSF.callbacks.respond"):
        module.approve(order_id="x", amount=150.0)
    assert module.NOTIFIED == []  # refused before the callee would notify anyone
    definitions, worker = machines
    calls = []
    with pytest.raises(UnsupportedFeature, match="waits for a task token"):
        run_definition(definitions["approve"], {"order_id": "x", "amount": 150.0},
                       lambda name, payload: calls.append(payload) or worker.invoke(payload))
    assert calls == []  # before the first state
    with pytest.raises(UnsupportedFeature, match="Express workflows do not support .waitForTaskToken"):
        run_definition(definitions["approve"], {"order_id": "x", "amount": 1.0}, worker.invoke,
                       respond=PSF.callbacks.answer, workflow_type="EXPRESS")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pysfn", "run", str(APPROVAL), "--input",
                           json.dumps({"order_id": "x", "amount": 150.0})], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and time.monotonic() - started < 60
    assert done.stderr.startswith("error: state 'Callback_ask_manager_L28' waits for the callback of 'ask_manager', "
                                  "and nothing would answer it in this run\nhint: --callback ask_manager="), done.stderr


@pytest.mark.parametrize("answer, status, out", [
    ('ask_manager={"by": "cli", "limit": 2.0}', 0, {"status": "approved", "by": "cli", "limit": 2, "over": True,
                                                    "note": "cli allowed 2", "shipped": "c-1 shipped, approved by cli"}),
    ("ask_manager=fail:Rejected:too much", 0, {"status": "rejected", "why": "too much"}),
    ("ask_manager=timeout", 0, {"status": "expired", "order_id": "c-1"}),
    ("ask_manager=fail:Other", 3, None),
    ("ask_manager=nope", 1, None),
])
def test_pysfn_run_answers_with_the_callback_option(answer, status, out):
    done = subprocess.run([sys.executable, "-m", "pysfn", "run", str(APPROVAL), "--input",
                           json.dumps({"order_id": "c-1", "amount": 150.0}), "--callback", answer],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stderr
    if out is not None:
        assert json.loads(done.stdout) == out
        module = _approval()
        spec = answer.partition("=")[2]
        with PSF.callbacks.responding("ask_manager", lambda t, o, a: json.loads(spec) if spec[0] == "{" else
                                      _raise(module.Rejected(spec.split(":")[2]) if spec.startswith("fail")
                                             else PSF.Timeout())):
            assert run_native(module, "approve", {"order_id": "c-1", "amount": 150.0})["output"] == out
    elif status == 3:
        assert done.stderr.strip() == "execution failed: Other:", done.stderr
    else:
        assert "the answer is not JSON" in done.stderr


def test_the_local_workflow_of_the_pytest_plugin_uses_the_registered_responders():
    from pysfn.runner import LocalWorkflow
    module = _approval()
    workflow = LocalWorkflow.from_source(APPROVAL, module=module)
    with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: {"by": "p", "limit": 7}):
        assert workflow.call(order_id="p", amount=100.0)["by"] == "p"
    with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: _raise(module.Rejected("no"))):
        assert workflow.call(order_id="p", amount=100.0) == {"status": "rejected", "why": "no"}
    escalation = LocalWorkflow.from_source(APPROVAL, entry="escalate", module=module)
    for timer in (PSF.Timeout, PSF.HeartbeatTimeout):  # uncaught: raised again as natively
        with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: _raise(timer())):
            if timer is PSF.Timeout:
                with pytest.raises(PSF.Timeout) as native:
                    module.escalate(order_id="q")
                with pytest.raises(PSF.Timeout) as compiled:
                    escalation.call(order_id="q")
                assert type(native.value) is type(compiled.value) is PSF.Timeout
            else:
                assert escalation.call(order_id="q") == module.escalate(order_id="q") == \
                    {"status": "silent", "order_id": "q"}
    with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: _raise(module.Escalated("up"))):
        with pytest.raises(module.Escalated, match="up"):
            escalation.call(order_id="q")


BAD = [
    ("PSF.wait_for_callback(ask, x, timeout=t)", "must be a whole number of seconds written in the source"),
    ("PSF.wait_for_callback(ask, x, timeout=0)", "the timeout is 0 seconds; Step Functions accepts 1 to 99,999,999"),
    ("PSF.wait_for_callback(ask, x, timeout=10**9)", "must be a whole number of seconds"),
    ("PSF.wait_for_callback(ask, x, timeout=2.5)", "must be a whole number of seconds"),
    ("PSF.wait_for_callback(ask, x, timeout=60, heartbeat=60)", "the heartbeat (60 s) must be smaller than the timeout (60 s)"),
    ("PSF.wait_for_callback(ask, x, heartbeat=100000000)", "the heartbeat is 100,000,000 seconds"),
    ("PSF.wait_for_callback(ask, x, heartbeat=60)", "a heartbeat needs a timeout too"),
    ("PSF.wait_for_callback(ask, x, who=1)", "takes the callee's arguments by position, and only timeout= and heartbeat="),
    ("PSF.wait_for_callback(ask)", "ask() is missing required arguments: x"),
    ("PSF.wait_for_callback(ask, x, x)", "ask() takes 2 positional arguments but 3 were given"),
    ("PSF.wait_for_callback(asc, x)", "'asc' is not a callee of this workflow"),
    ("PSF.wait_for_callback()", "takes the callee to call with the task token"),
    ("PSF.wait_for_callback('ask', x)", "the first argument of PSF.wait_for_callback is the callee"),
    ("PSF.wait_for_callback(slow, x)", "'slow' has @PSF.timeout"),
]


@pytest.mark.parametrize("line, message", BAD, ids=[b[1][:40] for b in BAD])
def test_mistakes_are_located_diagnostics(tmp_path, line, message):
    source = tmp_path / "flow.py"
    source.write_text("import pysfn as PSF\n\n\ndef ask(token, x):\n    pass\n\n\n@PSF.timeout(5)\ndef slow(token, x):\n"
                      f"    pass\n\n\n@PSF.main\ndef f(x: int, t: int):\n    return {line}\n")
    with pytest.raises(CompileError) as e:
        compile_file(source)
    text = e.value.render()
    assert text.splitlines()[0].startswith(f"{source}:15:"), text
    assert message in text, text


def test_a_caught_timeout_cannot_be_read_as_a_message(tmp_path):
    source = tmp_path / "flow.py"
    source.write_text("import pysfn as PSF\n\n\ndef ask(token):\n    pass\n\n\n@PSF.main\ndef f():\n    try:\n"
                      "        return PSF.wait_for_callback(ask, timeout=60)\n    except PSF.Timeout as e:\n"
                      "        return str(e)\n")
    with pytest.raises(CompileError) as e:
        compile_file(source)
    assert f"{source}:12:" in e.value.render() and "a timeout has no message" in e.value.render()


def test_inside_an_expression_and_without_timers(tmp_path):
    source = tmp_path / "cb_expression.py"  # a module name no other test imports
    source.write_text("import pysfn as PSF\n\n\ndef ask(token, n):\n    return None\n\n\n@PSF.main\ndef f(n: int):\n"
                      "    return {'n': n, 'answer': PSF.wait_for_callback(ask, n + 1)['ok']}\n")
    definition = compile_file(source).definition
    (task,) = [s for s in definition["States"].values() if s.get("Resource") == WAIT]
    assert "TimeoutSeconds" not in task and "HeartbeatSeconds" not in task
    module = import_workflow(source)
    with PSF.callbacks.responding("ask", lambda token, n: _raise(PSF.Timeout())):
        with pytest.raises(TypeError, match="this wait has no timeout="):
            module.f(n=2)  # a test cannot make the machine time out where it has no timer
    with PSF.callbacks.responding("ask", lambda token, n: {"ok": n * 2}):
        assert module.f(n=2) == {"n": 2, "answer": 6}
        r = run_definition(definition, {"n": 2}, lambda name, p: {"ok": None}, respond=PSF.callbacks.answer)
        assert (r.status, r.output) == ("SUCCEEDED", {"n": 2, "answer": 6})


# --------------------------------------------------------------------------- moto_server on 127.0.0.1

@pytest.fixture
def executing_moto_server(tmp_path):
    """moto's server, executing machines (tests/moto_server_oracle.py), on a free loopback port."""
    from test_deploy import _free_port
    port = _free_port()
    log = open(tmp_path / "moto.log", "w")
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "moto_server_oracle.py"), str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not start: " + (tmp_path / "moto.log").read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _until(probe, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _token(sfn, execution_arn):
    """The token the waiting Task sent its Lambda, from the execution's history (as a real
    approval tool would get it from the Lambda's message)."""
    def probe():
        for event in sfn.get_execution_history(executionArn=execution_arn)["events"]:
            details = event.get("taskScheduledEventDetails")
            if details:  # the Lambda invoke's Arguments, as the Task evaluated them
                return json.loads(details["parameters"])["Payload"]["args"][0]
        return None
    return _until(probe)


def _finished(sfn, execution_arn) -> dict:
    described = _until(lambda: (d := sfn.describe_execution(executionArn=execution_arn))["status"] != "RUNNING" and d)
    out = {"status": described["status"]}
    if described["status"] == "SUCCEEDED":
        out["output"] = json.loads(described["output"])
    else:
        out.update(error=described.get("error"), cause=described.get("cause"))
    return out


def test_against_moto_server_with_send_task_success_and_failure(executing_moto_server):
    url = executing_moto_server
    region = "eu-west-1"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": region}
    for name, entry in (("approval", "approve"), ("escalation", "escalate")):
        deployed = subprocess.run([sys.executable, "-m", "pysfn", "deploy", str(APPROVAL), "--name", name,
                                   "--entry", entry, "--endpoint-url", url], capture_output=True, text=True, env=env,
                                  timeout=120)
        assert deployed.returncode == 0, deployed.stderr
    kwargs = dict(region_name=region, endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing")
    sfn, iam = boto3.client("stepfunctions", **kwargs), boto3.client("iam", **kwargs)
    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    # the machine's role: invoking the dispatcher is all a callback Task needs (SendTask* comes from outside)
    policy = iam.get_role_policy(RoleName="approval-pysfn-machine", PolicyName="pysfn")["PolicyDocument"]
    assert [s["Action"] for s in policy["Statement"]] == ["lambda:InvokeFunction"]
    module = _approval()

    def start(machine, inp):
        return sfn.start_execution(stateMachineArn=machines[machine], name=f"run-{inp['order_id']}",
                                   input=json.dumps(inp))["executionArn"]

    # approved: SendTaskSuccess with plain JSON (2.0 written as a float by json.dumps)
    inp = {"order_id": "m-1", "amount": 250.0}
    arn = start("approval", inp)
    sfn.send_task_success(taskToken=_token(sfn, arn), output=json.dumps({"by": "Straße 👍", "limit": 500.0}))
    approved = _finished(sfn, arn)
    with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: {"by": "Straße 👍", "limit": 500.0}):
        assert approved == run_native(module, "approve", inp)
    assert approved["output"]["status"] == "approved"

    # rejected: SendTaskFailure(error="Rejected", cause=...) is caught by `except Rejected as e`
    inp = {"order_id": "m-2", "amount": 5000.0}
    arn = start("approval", inp)
    sfn.send_task_failure(taskToken=_token(sfn, arn), error="Rejected", cause="over budget")
    rejected = _finished(sfn, arn)
    with PSF.callbacks.responding(module.ask_manager, lambda t, o, a: _raise(module.Rejected("over budget"))):
        assert rejected == run_native(module, "approve", inp) == \
            {"status": "SUCCEEDED", "output": {"status": "rejected", "why": "over budget"}}

    # a failure nobody catches ends the execution with the sent error and cause
    arn = start("escalation", {"order_id": "m-3"})
    sfn.send_task_failure(taskToken=_token(sfn, arn), error="Escalated", cause="to the board")
    assert _finished(sfn, arn) == {"status": "FAILED", "error": "Escalated", "cause": "to the board"}

    # no heartbeat within 1 s: the timer really fires, and `except PSF.HeartbeatTimeout` catches it
    arn = start("escalation", {"order_id": "m-4"})
    _token(sfn, arn)
    assert _finished(sfn, arn) == {"status": "SUCCEEDED", "output": {"status": "silent", "order_id": "m-4"}}

    # heartbeats but no answer: after 4 s, States.Timeout, which escalate does not catch
    arn = start("escalation", {"order_id": "m-5"})
    token = _token(sfn, arn)
    deadline = time.monotonic() + 30
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING" and time.monotonic() < deadline:
        try:
            sfn.send_task_heartbeat(taskToken=token)
        except sfn.exceptions.ClientError:
            break
        time.sleep(0.3)
    timed_out = _finished(sfn, arn)
    assert (timed_out["status"], timed_out["error"]) == ("FAILED", "States.Timeout")


def test_a_users_tests_answer_callbacks_with_the_fixture_in_both_modes(tmp_path):
    """The user's own pytest suite, natively and with --pysfn-compiled (the machine in pysfn.local)."""
    import textwrap
    (tmp_path / "flow.py").write_text(textwrap.dedent("""
        import pysfn as PSF

        SENT = []

        class Rejected(Exception):
            pass

        def notify(token, who):
            SENT.append((token, who))

        @PSF.main
        def flow(who: str):
            try:
                answer = PSF.wait_for_callback(notify, who, timeout=600)
            except Rejected as e:
                return "no: " + str(e)
            except PSF.Timeout:
                return "nobody answered"
            return answer["text"] + "!"
    """))
    (tmp_path / "test_flow.py").write_text(textwrap.dedent("""
        import pytest
        import flow

        def test_yes(pysfn_callbacks):
            pysfn_callbacks.respond(flow.notify, lambda token, who: {"text": "yes " + who})
            assert flow.flow(who="ann") == "yes ann!"

        def test_no(pysfn_callbacks):
            def refuse(token, who):
                raise flow.Rejected("not " + who)
            pysfn_callbacks.respond(flow.notify, refuse)
            assert flow.flow(who="bob") == "no: not bob"

        def test_silence(pysfn_callbacks):
            import pysfn as PSF
            def silent(token, who):
                raise PSF.Timeout()
            pysfn_callbacks.respond("notify", silent)
            assert flow.flow(who="cy") == "nobody answered"

        def test_forgotten(pysfn_callbacks):
            with pytest.raises(Exception, match="no responder"):
                flow.flow(who="dan")
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for flags in ([], ["--pysfn-compiled"]):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
        assert proc.returncode == 0 and "4 passed" in proc.stdout, (flags, proc.stdout + proc.stderr)


FORMS = """
import pysfn as PSF


def ask(token, x):
    return None


@PSF.main
def forms(xs: list[float]):
    got = [PSF.wait_for_callback(ask, x, timeout=60) for x in xs]  # a Map: one token per item
    def a():
        return PSF.wait_for_callback(ask, "Straße")
    def b():
        return 1
    par = PSF.parallel(a, b)
    total = []
    for x in xs:
        total.append(PSF.wait_for_callback(ask, x)["v"])
    return {"got": got, "par": par, "total": total}
"""


def test_callbacks_in_a_map_a_parallel_branch_and_a_loop(tmp_path):
    from pysfn.runner import LocalWorkflow
    source = tmp_path / "cb_forms.py"
    source.write_text(FORMS)
    module = import_workflow(source)
    workflow = LocalWorkflow.from_source(source, module=module)
    inp = {"xs": [1, 2.5, 0.0]}  # (an input -0.0 is JSON 0: the sign cannot reach the machine)
    tokens = []

    def answer(token, x):
        tokens.append(token)
        return {"v": x + "!"} if isinstance(x, str) else {"v": x * 2, "s": str(x)}  # x: the float given
    expected = {"got": [{"v": 2, "s": "1.0"}, {"v": 5, "s": "2.5"}, {"v": 0, "s": "0.0"}],
                "par": [{"v": "Straße!"}, 1], "total": [2, 5, 0]}
    with PSF.callbacks.responding("ask", answer):
        assert run_native(module, "forms", inp) == {"status": "SUCCEEDED", "output": expected}
        local = workflow.run(inp)
        assert (local.status, local.output) == ("SUCCEEDED", expected)
        machine = oracle.execute(workflow.definition, inp, workflow.dispatcher.invoke, respond=PSF.callbacks.answer)
        assert (machine["status"], machine["output"]) == ("SUCCEEDED", expected)
    assert len(tokens) == 3 * 7 and len(set(tokens)) == 3 * 7  # a token per wait, never reused


def test_deploy_refuses_an_express_machine_that_waits(monkeypatch):
    from moto import mock_aws
    from pysfn.deploy import AwsError, deploy
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        with pytest.raises(AwsError, match="Express workflows do not support .waitForTaskToken"):
            deploy(APPROVAL, "fast", express=True)
        assert boto3.client("lambda", region_name="eu-west-1").list_functions()["Functions"] == []


def test_the_template_of_a_callback_machine_passes_cfn_lint(tmp_path):
    from cfnlint.api import lint_file

    from pysfn.deploy.template import template_text
    compiled = compile_file(APPROVAL)
    for fmt in ("cloudformation", "sam"):
        out = tmp_path / f"{fmt}.json"
        out.write_text(template_text(compiled, fmt))
        problems = [m for m in lint_file(out) if m.rule.id[0] in "EW"]
        assert problems == [], problems
        assert WAIT in out.read_text()
