"""aws.<service>.<method>(...) in a workflow: natively (boto3), in pysfn.local (boto3) and in the
oracle (moto's own service integrations), all against moto's mock AWS, with equal results and
side effects; plus the compile-time checks against botocore's models."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

import oracle
from differential import compile_and_package, import_workflow, run_native
from pysfn.compiler import CompileError, compile_file
from pysfn.local import run_definition
from pysfn import aws

HERE = Path(__file__).parent / "aws_workflows"
ORDERS = HERE / "aws_orders.py"
REGION = "us-east-1"  # the oracle's region (tests/oracle.py)


@pytest.fixture
def mocked(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


def _world() -> str:
    """A fresh table and queue; returns the queue URL."""
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    return boto3.client("sqs", region_name=REGION).create_queue(QueueName="shipping")["QueueUrl"]


def _effects(queue_url: str) -> dict:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="orders")["Items"]
    messages = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return {"items": sorted(json.dumps(i, sort_keys=True) for i in items),
            "messages": sorted(m["Body"] for m in messages.get("Messages", []))}


def _reset():
    ddb = boto3.client("dynamodb", region_name=REGION)
    for name in ddb.list_tables()["TableNames"]:
        ddb.delete_table(TableName=name)
    sqs = boto3.client("sqs", region_name=REGION)
    for url in sqs.list_queues().get("QueueUrls", []):
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture(scope="module")
def orders(tmp_path_factory):
    workflow = compile_and_package(ORDERS, tmp_path_factory.mktemp("aws_orders"))
    yield workflow
    workflow.worker.close()


def _local(workflow, inp):
    return run_definition(workflow.definition, inp, lambda name, payload: workflow.worker.invoke(payload))


def _three_ways(workflow, module, inputs) -> list[tuple]:
    """For each mode: the results of running ``inputs`` in order on a fresh world, and the effects."""
    outcomes = []
    for mode in ("native", "local", "oracle"):
        _reset()
        url = _world()
        results = []
        for make_input in inputs:
            inp = make_input(url)
            if mode == "native":
                results.append(run_native(module, "place", inp))
            elif mode == "local":
                r = _local(workflow, inp)
                results.append({"status": r.status, **({"output": r.output} if r.status == "SUCCEEDED" else {})})
            else:
                r = workflow.run(inp)
                results.append({k: r[k] for k in ("status", "output") if k in r})
        outcomes.append((mode, results, _effects(url)))
    return outcomes


def test_orders_natively_in_pysfn_local_and_in_the_oracle(mocked, orders):
    module = import_workflow(ORDERS)
    first = lambda url: {"order_id": "o-1", "amount": 30, "queue_url": url}  # noqa: E731
    again = lambda url: {"order_id": "o-1", "amount": 99, "queue_url": url}  # noqa: E731 -- condition fails
    outcomes = _three_ways(orders, module, [first, again])
    native = outcomes[0]
    assert native[1] == [
        {"status": "SUCCEEDED", "output": {"status": "placed", "item": {"id": {"S": "o-1"}, "amount": {"N": "30"}},
                                           "sent": True, "queues": 1}},
        {"status": "SUCCEEDED", "output": {"status": "duplicate", "id": "o-1",
                                           "why": "The conditional request failed"}}]
    assert native[2] == {"items": [json.dumps({"amount": {"N": "30"}, "id": {"S": "o-1"}}, sort_keys=True)],
                         "messages": ["label-o-1"]}
    for mode, results, effects in outcomes[1:]:
        assert (results, effects) == (native[1], native[2]), mode


def test_the_compiled_tasks_use_the_integrations():
    definition = compile_file(ORDERS, entry="place").definition
    tasks = {name: s for name, s in definition["States"].items() if s["Type"] == "Task"}
    resources = sorted(s["Resource"] for s in tasks.values())
    assert resources == ["arn:aws:states:::aws-sdk:sqs:listQueues", "arn:aws:states:::dynamodb:getItem",
                         "arn:aws:states:::dynamodb:putItem", "arn:aws:states:::lambda:invoke",
                         "arn:aws:states:::sqs:sendMessage"]
    put = next(s for s in tasks.values() if s["Resource"].endswith("putItem"))
    assert put["Catch"][0]["ErrorEquals"] == ["DynamoDB.ConditionalCheckFailedException",
                                              "DynamoDb.ConditionalCheckFailedException"]
    assert "Retry" not in put  # the Lambda service retries are for Lambda Tasks only


def test_an_uncaught_service_error_has_step_functions_name_in_every_mode(mocked, tmp_path):
    module = import_workflow(ORDERS)
    with pytest.raises(aws.AwsServiceError) as native:
        module.lookup(table="missing")
    assert native.value.error == "DynamoDB.ResourceNotFoundException"
    assert type(native.value) is aws.dynamodb.ResourceNotFoundException
    definition = compile_file(ORDERS, entry="lookup").definition
    local = run_definition(definition, {"table": "missing"})
    assert (local.status, local.error) == ("FAILED", "DynamoDB.ResourceNotFoundException")
    machine = oracle.execute(definition, {"table": "missing"}, lambda name, payload: {"ok": None})
    assert (machine["status"], machine["error"]) == ("FAILED", "DynamoDB.ResourceNotFoundException")


BAD = [
    ("aws.dynamo.put_item(TableName='t', Item={})", "'dynamo' is not an AWS service boto3 knows",
     "did you mean 'dynamodb'?"),
    ("aws.dynamodb.put_itme(TableName='t', Item={})", "boto3's dynamodb client has no method 'put_itme'",
     "did you mean 'put_item'?"),
    ("aws.dynamodb.put_item(TableNam='t', Item={})", "dynamodb.put_item() has no parameter 'TableNam'",
     "did you mean 'TableName'?"),
    ("aws.dynamodb.put_item(TableName='t')", "dynamodb.put_item() is missing required parameters: Item",
     "aws.dynamodb.put_item(Item=...)"),
    ("aws.dynamodb.put_item('t', Item={})", "aws.dynamodb.put_item() takes keyword arguments only",
     "pass boto3's parameter names: aws.dynamodb.put_item(TableName=..., Item=...)"),
    ("aws.dynamodb(TableName='t')", "'aws.dynamodb(...)' names a service but no operation",
     "aws.dynamodb.<boto3 method>(...), e.g. aws.dynamodb.put_item(...)"),
]


@pytest.mark.parametrize("line, message, hint", BAD, ids=[b[1][:40] for b in BAD])
def test_service_calls_are_checked_against_botocore_models(tmp_path, line, message, hint):
    source = tmp_path / "flow.py"
    source.write_text(f"import pysfn as PSF\nfrom pysfn import aws\n\n\n@PSF.main\ndef f():\n    {line}\n")
    with pytest.raises(CompileError) as e:
        compile_file(source)
    text = e.value.render()
    assert text.splitlines()[0].startswith(f"{source}:7:") and f"error: {message}" in text.splitlines()[0]
    assert f"hint: {hint}" in text


def test_except_names_a_service_error_with_did_you_mean(tmp_path):
    source = tmp_path / "flow.py"
    source.write_text("import pysfn as PSF\nfrom pysfn import aws\n\n\n@PSF.main\ndef f():\n    try:\n"
                      "        aws.dynamodb.get_item(TableName='t', Key={})\n"
                      "    except aws.dynamodb.ConditionalCheckFailedExeption:\n        pass\n")
    with pytest.raises(CompileError) as e:
        compile_file(source)
    assert "error: dynamodb has no error 'ConditionalCheckFailedExeption' in its service model" in e.value.render()
    assert "did you mean 'ConditionalCheckFailedException'?" in e.value.render()


def test_error_names_follow_step_functions_conventions():
    assert aws.pascal_service("DynamoDB") == "DynamoDb" and aws.pascal_service("ACM PCA") == "AcmPca"
    assert aws.pascal_service("CloudWatch Logs") == "CloudWatchLogs" and aws.pascal_service("S3") == "S3"
    assert aws.sfn_error_name("s3", "create_bucket", "BucketAlreadyExists", "S3") == "S3.BucketAlreadyExistsException"
    assert aws.sfn_error_name("dynamodb", "put_item", "ConditionalCheckFailedException", "DynamoDB") == \
        "DynamoDB.ConditionalCheckFailedException"
    assert aws.sfn_error_name("acm-pca", "delete_certificate_authority", "ResourceNotFoundException", "ACM PCA") == \
        "AcmPca.ResourceNotFoundException"


def test_deploy_grants_exactly_the_integrations_actions(mocked):
    from pysfn.deploy import deploy
    lines = []
    deploy(ORDERS, "orders", echo=lines.append)
    iam = boto3.client("iam", region_name=REGION)
    policy = iam.get_role_policy(RoleName="orders-pysfn-machine", PolicyName="pysfn")["PolicyDocument"]
    statements = {s["Action"]: s["Resource"] for s in policy["Statement"]}
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    assert statements["dynamodb:PutItem"] == [table] and statements["dynamodb:GetItem"] == [table]
    assert statements["sqs:SendMessage"] == ["*"] and statements["sqs:ListQueues"] == ["*"]
    assert sorted(statements) == ["dynamodb:GetItem", "dynamodb:PutItem", "lambda:InvokeFunction",
                                  "sqs:ListQueues", "sqs:SendMessage"]
    warnings = [line for line in lines if line.startswith("warning:")]
    assert any("may call sqs:SendMessage on any resource" in w for w in warnings)


def test_literal_resources_are_named_and_the_template_passes_cfn_lint(tmp_path):
    from cfnlint.api import lint_file

    from pysfn.deploy.permissions import service_permissions
    from pysfn.deploy.template import template_text
    source = tmp_path / "notify.py"
    source.write_text(
        "import pysfn as PSF\nfrom pysfn import aws\n\n\n@PSF.main\ndef notify(text: str):\n"
        "    aws.sns.publish(TopicArn='arn:aws:sns:eu-west-1:123456789012:alerts', Message=text)\n"
        "    aws.sqs.send_message(QueueUrl='https://sqs.eu-west-1.amazonaws.com/123456789012/jobs', MessageBody=text)\n"
        "    aws.s3.put_object(Bucket='reports', Key='last.txt', Body=text)\n"
        "    aws.events.put_events(Entries=[{'Source': 'app', 'DetailType': 'note', 'Detail': '{}'}])\n")
    compiled = compile_file(source)
    statements = {s["Action"]: s["Resource"] for s in service_permissions(compiled.definition, "eu-west-1",
                                                                          "123456789012").statements}
    assert statements == {
        "sns:Publish": ["arn:aws:sns:eu-west-1:123456789012:alerts"],
        "sqs:SendMessage": ["arn:aws:sqs:eu-west-1:123456789012:jobs"],
        "s3:PutObject": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
        "events:PutEvents": ["arn:aws:events:eu-west-1:123456789012:event-bus/default"]}
    for fmt in ("cloudformation", "sam"):
        out = tmp_path / f"{fmt}.json"
        out.write_text(template_text(compiled, fmt))
        problems = [m for m in lint_file(out) if m.rule.id[0] in "EW"]
        assert problems == [], problems
        assert "service-integrations" in out.read_text()


from test_deploy import moto_server  # noqa: E402,F401 -- the fixture: a real moto_server on 127.0.0.1


def test_pysfn_run_against_moto_server_agrees_with_native(moto_server, monkeypatch):
    import subprocess
    import sys
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    module = import_workflow(ORDERS)
    results = []
    for mode in ("native", "pysfn run"):
        _reset()
        url = _world()
        inp = {"order_id": "o-7", "amount": 5, "queue_url": url}
        if mode == "native":
            results.append((run_native(module, "place", inp)["output"], _effects(url)))
            continue
        run_env = {k: v for k, v in __import__("os").environ.items() if k != "AWS_ENDPOINT_URL"}
        done = subprocess.run([sys.executable, "-m", "pysfn", "run", str(ORDERS), "--input", json.dumps(inp),
                               "--aws-endpoint-url", moto_server], capture_output=True, text=True, env=run_env,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        results.append((json.loads(done.stdout), _effects(url)))
    assert results[0] == results[1]
    assert results[0][0]["status"] == "placed" and results[0][1]["messages"] == ["label-o-7"]


def test_service_calls_inside_expressions_and_as_a_map(mocked, tmp_path):
    path = HERE / "aws_fanout.py"
    module = import_workflow(path)
    workflow = compile_and_package(path, tmp_path)
    try:
        outcomes = []
        for mode in ("native", "local", "oracle"):
            _reset()
            url = _world()
            inp = {"queue_url": url, "messages": ["a", "Straße", "👍"]}
            if mode == "native":
                result = run_native(module, "announce", inp)
            elif mode == "local":
                r = _local(workflow, inp)
                result = {"status": r.status, "output": r.output}
            else:
                result = {k: v for k, v in workflow.run(inp).items() if k in ("status", "output")}
            outcomes.append((mode, result, _effects(url)["messages"]))
    finally:
        workflow.worker.close()
    assert outcomes[0][1:] == ({"status": "SUCCEEDED", "output": {"sent": 3, "distinct": True, "queues": 1}},
                               sorted(["a", "Straße", "👍"]))
    for mode, result, messages in outcomes[1:]:
        assert (result, messages) == outcomes[0][1:], mode


@pytest.mark.parametrize("threshold", [2.0, 2.5, 0.0, 1e16, 1e-7])
def test_floats_in_service_arguments_and_results_keep_their_type(mocked, tmp_path, threshold):
    path = HERE / "aws_alarms.py"
    module = import_workflow(path)
    workflow = compile_and_package(path, tmp_path)
    inp = {"name": "slow", "threshold": threshold}
    try:
        native = run_native(module, "alarm", inp)
        assert native == {"status": "SUCCEEDED",
                          "output": {"text": str(threshold), "twice": str(threshold * 2), "periods": "1"}}
        local = _local(workflow, inp)
        assert {"status": local.status, "output": local.output} == native
        boto3.client("cloudwatch", region_name=REGION).delete_alarms(AlarmNames=["slow"])
        machine = workflow.run(inp)  # moto's own aws-sdk integration
        assert {k: machine[k] for k in ("status", "output")} == native
    finally:
        workflow.worker.close()
