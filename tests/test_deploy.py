"""pysfn deploy/invoke/history against moto's mock AWS: in-process, and through moto_server.

moto runs Lambda functions in Docker, which CI does not have: these tests check what is
created and configured, and that executions start; what a deployed machine computes is
covered by the oracle (tests/test_differential.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from differential import EXAMPLES
from pysfn.cli import cli
from pysfn.deploy import AwsError, deploy
from pysfn.deploy.deployer import lambda_policy, machine_policy

SOURCE = EXAMPLES / "analyse_text.py"
REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


def _clients():
    return (boto3.client("lambda", region_name=REGION), boto3.client("stepfunctions", region_name=REGION),
            boto3.client("iam", region_name=REGION))


def test_deploy_creates_then_updates_in_place(aws):
    lines = []
    first = deploy(SOURCE, "texts", echo=lines.append)
    assert first.created == ["texts-pysfn-lambda", "texts-dispatcher", "texts-pysfn-machine", "texts"]
    second = deploy(SOURCE, "texts", echo=lines.append)
    assert second.created == [] and second.updated == first.created
    assert (second.function_arn, second.state_machine_arn) == (first.function_arn, first.state_machine_arn)
    lam, sfn, iam = _clients()
    functions = lam.list_functions()["Functions"]
    assert [(f["FunctionName"], f["Handler"], f["Runtime"]) for f in functions] == [
        ("texts-dispatcher", "handler.dispatch", "python3.12")]
    machines = sfn.list_state_machines()["stateMachines"]
    assert [m["name"] for m in machines] == ["texts"]
    described = sfn.describe_state_machine(stateMachineArn=machines[0]["stateMachineArn"])
    definition = json.loads(described["definition"])
    arns = {s["Arguments"]["FunctionName"] for s in definition["States"].values() if s["Type"] == "Task"}
    assert arns == {first.function_arn} and described["type"] == "STANDARD"
    assert described["roleArn"].endswith(":role/texts-pysfn-machine")
    policy = iam.get_role_policy(RoleName="texts-pysfn-machine", PolicyName="pysfn")["PolicyDocument"]
    assert policy == machine_policy(first.function_arn)
    lambda_role = iam.get_role_policy(RoleName="texts-pysfn-lambda", PolicyName="pysfn")["PolicyDocument"]
    assert lambda_role == lambda_policy(REGION, "123456789012", "texts-dispatcher")
    assert any("state machine texts: definition updated (STANDARD)" in line for line in lines)


def test_given_roles_are_used_and_none_created(aws):
    _, sfn, iam = _clients()
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    mine = iam.create_role(RoleName="mine", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    theirs = iam.create_role(RoleName="theirs", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    result = deploy(SOURCE, "given", role_arn=mine, lambda_role_arn=theirs)
    assert result.created == ["given-dispatcher", "given"]
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"]) == ["mine", "theirs"]
    assert sfn.describe_state_machine(stateMachineArn=result.state_machine_arn)["roleArn"].endswith("role/mine")


def test_express_and_a_name_taken_by_another_type(aws):
    deploy(SOURCE, "fast", express=True)
    _, sfn, _ = _clients()
    assert sfn.list_state_machines()["stateMachines"][0]["type"] == "EXPRESS"
    with pytest.raises(AwsError, match="exists as EXPRESS; it cannot become STANDARD"):
        deploy(SOURCE, "fast")


def test_invoke_starts_and_history_reads_the_latest_execution(aws):
    deploy(SOURCE, "runs")
    runner = CliRunner()
    started = runner.invoke(cli, ["invoke", "runs", "--input", '{"text": "a b"}', "--no-wait"])
    assert started.exit_code == 0, started.output
    arn = started.stdout.strip()
    assert ":execution:runs:" in arn
    _, sfn, _ = _clients()
    assert json.loads(sfn.describe_execution(executionArn=arn)["input"]) == {"text": "a b"}
    events = sfn.get_execution_history(executionArn=arn)["events"]
    path = runner.invoke(cli, ["history", "runs"])
    assert path.exit_code == 0, path.output
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
    assert [line.split("\t")[1] for line in path.stdout.splitlines() if not line.startswith("Execution")] == entered
    assert runner.invoke(cli, ["history", arn]).stdout == path.stdout  # by execution ARN: the same


@pytest.mark.parametrize("argv, first_line", [
    (["invoke", "nothing-here", "--input", "{}"], "error: no state machine named 'nothing-here' in eu-west-1"),
    (["history", "nothing-here"], "error: no state machine named 'nothing-here'"),
    (["invoke", "x", "--input", "{nope"], "error: --input is not JSON"),
    # issue 16: AWS's naming rules, checked before any call (the old rule allowed non-ASCII and 64 characters)
    (["deploy", str(SOURCE), "--name", "bad name"], "error: --name 'bad name': use ASCII letters, digits"),
])
def test_cli_errors_are_one_line(aws, argv, first_line):
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[0].startswith(first_line)


def test_no_credentials_is_one_clear_line(monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(cli, ["deploy", str(SOURCE), "--name", "x", "--region", REGION,
                                      "--endpoint-url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: no AWS credentials while reading the account id")


# --------------------------------------------------------------------------- end to end, moto_server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def moto_server(tmp_path):
    port = _free_port()
    log = open(tmp_path / "moto.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
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


def test_deploy_twice_against_moto_server_then_invoke(moto_server, tmp_path):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": REGION, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "pysfn", "deploy", str(SOURCE), "--name", "e2e", "--endpoint-url", moto_server]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "function e2e-dispatcher: code and configuration updated" in second.stderr
    kwargs = dict(region_name=REGION, endpoint_url=moto_server, aws_access_key_id="testing",
                  aws_secret_access_key="testing")
    functions = boto3.client("lambda", **kwargs).list_functions()["Functions"]
    assert [(f["FunctionName"], f["Handler"]) for f in functions] == [("e2e-dispatcher", "handler.dispatch")]
    sfn = boto3.client("stepfunctions", **kwargs)
    (machine,) = sfn.list_state_machines()["stateMachines"]
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"])
    assert {s["Arguments"]["FunctionName"] for s in definition["States"].values() if s["Type"] == "Task"} == \
        {functions[0]["FunctionArn"]}
    started = subprocess.run([sys.executable, "-m", "pysfn", "invoke", "e2e", "--input", '{"text": "a b"}',
                              "--no-wait", "--endpoint-url", moto_server], capture_output=True, text=True, env=env,
                             timeout=60)
    assert started.returncode == 0, started.stderr
    assert sfn.describe_execution(executionArn=started.stdout.strip())["stateMachineArn"] == machine["stateMachineArn"]


# --------------------------------------------------------------------------- issue 17: destroy, waiting, status

def test_destroy_removes_what_deploy_created_after_asking(aws):
    deploy(SOURCE, "gone")
    runner = CliRunner()
    declined = runner.invoke(cli, ["destroy", "gone"], input="n\n")
    assert declined.exit_code == 1
    assert "pysfn destroy gone deletes:" in declined.stderr and "  state machine gone (arn:" in declined.stderr
    assert declined.stderr.splitlines()[-1] == "not confirmed: nothing deleted (pass --yes to skip the question)"
    lam, sfn, iam = _clients()
    assert [m["name"] for m in sfn.list_state_machines()["stateMachines"]] == ["gone"]
    no_tty = runner.invoke(cli, ["destroy", "gone"])  # no answer at all: nothing deleted either
    assert no_tty.exit_code == 1 and len(sfn.list_state_machines()["stateMachines"]) == 1
    confirmed = runner.invoke(cli, ["destroy", "gone"], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    for line in ("  state machine gone: deleted", "  function gone-dispatcher: deleted", "  role gone-pysfn-machine: deleted",
                 "  role gone-pysfn-lambda: deleted", "destroyed gone"):
        assert line in confirmed.stderr.splitlines()
    assert sfn.list_state_machines()["stateMachines"] == [] and lam.list_functions()["Functions"] == []
    assert iam.list_roles()["Roles"] == []
    again = runner.invoke(cli, ["destroy", "gone", "--yes"])
    assert again.exit_code == 0 and again.stderr.strip() == "nothing to remove for gone"


def test_destroy_leaves_alone_what_deploy_did_not_create(aws):
    _, sfn, iam = _clients()
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    mine = iam.create_role(RoleName="mine", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    result = deploy(SOURCE, "shared", role_arn=mine)  # the machine's role is the user's own
    foreign = iam.create_role(RoleName="other-pysfn-lambda", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    sfn.create_state_machine(name="other", definition=json.dumps({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}}), roleArn=foreign)
    out = CliRunner().invoke(cli, ["destroy", "other", "--yes"])
    assert out.exit_code == 0, out.output
    assert "  state machine other: left alone, not created by pysfn deploy (no pysfn:name tag)" in out.stderr
    assert "  role other-pysfn-lambda: left alone, not created by pysfn deploy (no pysfn:name tag)" in out.stderr
    assert "nothing to remove for other" in out.stderr
    assert {m["name"] for m in sfn.list_state_machines()["stateMachines"]} == {"shared", "other"}
    gone = CliRunner().invoke(cli, ["destroy", "shared", "--yes"])
    assert gone.exit_code == 0, gone.output
    assert {m["name"] for m in sfn.list_state_machines()["stateMachines"]} == {"other"}
    assert sorted(r["RoleName"] for r in iam.list_roles()["Roles"]) == ["mine", "other-pysfn-lambda"]
    assert result.created == ["shared-pysfn-lambda", "shared-dispatcher", "shared"]


def test_invoke_stops_waiting_at_the_timeout_and_names_the_execution(aws, tmp_path):
    deploy(SOURCE, "slow")  # moto runs no Lambda: its executions stay RUNNING
    (tmp_path / "in.json").write_text('{"text": "a b"}')
    result = CliRunner().invoke(cli, ["invoke", "slow", "--input", f"@{tmp_path / 'in.json'}", "--timeout", "0"])
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("stopped waiting after 0 s (--timeout); the execution is still running: "
                               "arn:aws:states:eu-west-1:123456789012:execution:slow:")
    arn = lines[0].rsplit(" ", 1)[1]
    assert lines[1:] == [f"  look it up: pysfn history {arn}",
                         f"  or: aws stepfunctions describe-execution --execution-arn {arn}"]
    _, sfn, _ = _clients()
    assert json.loads(sfn.describe_execution(executionArn=arn)["input"]) == {"text": "a b"}


def test_ctrl_c_while_waiting_says_how_to_find_the_execution(aws, monkeypatch):
    deploy(SOURCE, "waits")
    import pysfn.deploy.executions as executions

    def interrupt(seconds):
        raise KeyboardInterrupt
    monkeypatch.setattr(executions.time, "sleep", interrupt)
    result = CliRunner().invoke(cli, ["invoke", "waits", "--input", "{}"])
    assert result.exit_code == 130, result.output
    assert "interrupted (Ctrl-C): pysfn stopped waiting; the execution is still running: arn:" in result.stderr
    assert "Traceback" not in result.output


def test_history_shows_the_real_status_of_a_running_execution(aws):
    deploy(SOURCE, "live")
    runner = CliRunner()
    started = runner.invoke(cli, ["invoke", "live", "--input", '{"text": "a b"}', "--no-wait"])
    arn = started.stdout.strip()
    _, sfn, _ = _clients()
    events = [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]
    assert "ExecutionSucceeded" in events  # moto's canned history says so ...
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"  # ... but it is running
    path = runner.invoke(cli, ["history", arn])
    assert path.exit_code == 0 and path.stdout.splitlines()[-1] == "Execution\trunning"
    assert [line for line in path.stdout.splitlines() if line.startswith("Execution")] == ["Execution\trunning"]
    sfn.stop_execution(executionArn=arn, error="Stopped", cause="by the test")
    stopped = runner.invoke(cli, ["history", "live"]).stdout.splitlines()[-1]
    assert stopped.startswith("Execution\taborted")


def test_deploy_prints_the_compilers_warnings_and_counts_callees_apart(aws):
    report = EXAMPLES / "order_report.py"
    result = CliRunner().invoke(cli, ["deploy", str(report), "--name", "reports"])
    assert result.exit_code == 0, result.output
    assert "order_report.py:53:13: warning: 'lines' grows on every iteration" in result.stderr
    assert "compiled order_report.py: report(), 3 callee(s), 3 extracted function(s); package " in result.stderr
    quiet = CliRunner().invoke(cli, ["deploy", str(report), "--name", "reports", "--no-warnings"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
