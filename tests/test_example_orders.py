"""The AWS-native order example (examples/order_approval.py, its child examples/order_billing.py):
the compiled machines in the independent oracle (moto's ASL interpreter, with moto's own DynamoDB,
SQS and Step Functions integrations, the callback answered through moto's callback pool, the child
execution run by moto's Step Functions), natively and in pysfn.local, with equal results and
equal effects on the mock services; and its template passes cfn-lint with the integrations'
permissions. (examples/test_order_approval.py is the example's own suite: native and
--pysfn-compiled.)"""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

import oracle
import pysfn as PSF
from differential import EXAMPLES, comparable, import_workflow, run_native
from lambda_worker import LambdaWorker
from pysfn.compiler import compile_file
from pysfn.compiler.children import substitution_key
from pysfn.packaging import build_zip
from pysfn.runner import LocalWorkflow

PARENT, CHILD = EXAMPLES / "order_approval.py", EXAMPLES / "order_billing.py"
REGION, ACCOUNT = oracle.REGION, oracle.ACCOUNT
PARENT_LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-dispatcher"
CHILD_LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing-dispatcher"


def approve(token, order_id, amount):
    return {"by": "Zoë"}


def reject(token, order_id, amount):
    raise import_workflow(PARENT).Rejected("over budget 👍")


def never(token, order_id, amount):
    raise PSF.Timeout()


# (order id, amount, how the manager answers); each scenario runs on a fresh mock AWS
SCENARIOS = [("o-1", 120.5, None), ("o-2", 0.0, None), ("o-3", 500.0, approve), ("o-4", 900.0, reject),
             ("o-5", 700.0, never), ("o-6", 20000.0, approve), ("Straße-👍", 2.0, None)]


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("orders")
    out = {}
    for name, path, arn in (("parent", PARENT, PARENT_LAMBDA), ("child", CHILD, CHILD_LAMBDA)):
        compiled = compile_file(path, lambda_arn=arn)
        build_zip(path, tmp / f"{name}.zip", compiled.callees, compiled.local_modules, compiled.extracted_source)
        out[name] = (compiled, LambdaWorker(tmp / f"{name}.zip").__enter__())
    yield out
    for _, worker in out.values():
        worker.close()


@pytest.fixture
def world(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)

    def fresh():
        """A fresh mock AWS (a context manager) with the table and the queue."""
        mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        mock.start()
        boto3.client("dynamodb").create_table(
            TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        return mock, boto3.client("sqs").create_queue(QueueName="shipping")["QueueUrl"]
    yield fresh
    PSF.callbacks.clear()


def _effects(queue_url):
    items = boto3.client("dynamodb").scan(TableName="orders")["Items"]
    messages = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return sorted(json.dumps(i, sort_keys=True) for i in items), sorted(m["Body"] for m in messages.get("Messages", []))


def _in_the_oracle(workers, inp):
    (parent, parent_worker), (child, child_worker) = workers["parent"], workers["child"]
    role = boto3.client("iam").create_role(RoleName="billing-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = boto3.client("stepfunctions").create_state_machine(
        name="billing", definition=json.dumps(child.definition), roleArn=role)["stateMachineArn"]
    definition = json.loads(json.dumps(parent.definition).replace("${" + substitution_key("order_billing") + "}", arn))

    def invoke(function, payload):
        return (child_worker if function == CHILD_LAMBDA else parent_worker).invoke(payload)
    result = oracle.execute(definition, inp, invoke, respond=PSF.callbacks.answer)
    return {k: result[k] for k in ("status", "output", "error") if k in result}


@pytest.mark.parametrize("order_id, amount, answer", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_natively_in_pysfn_local_and_in_the_oracle(workers, world, order_id, amount, answer):
    module = import_workflow(PARENT)
    if answer is not None:
        PSF.callbacks.respond(module.ask_manager, answer)
    outcomes = []
    for mode in ("native", "local", "oracle"):
        mock, url = world()
        try:
            inp = {"order_id": order_id, "amount": amount, "queue_url": url}
            if mode == "native":
                result = run_native(module, "place_order", inp)
            elif mode == "local":
                r = LocalWorkflow.from_source(PARENT, module=module).run(inp)
                result = {"status": r.status, **({"output": r.output} if r.status == "SUCCEEDED" else {})}
            else:
                result = _in_the_oracle(workers, inp)
            outcomes.append((mode, comparable(result), _effects(url)))
        finally:
            mock.stop()
    native = outcomes[0]
    assert native[1]["status"] == "SUCCEEDED"
    for mode, result, effects in outcomes[1:]:
        assert (result, effects) == native[1:], mode


def test_the_template_passes_cfn_lint_with_the_integrations_permissions(tmp_path):
    from cfnlint.api import lint_file

    from pysfn.deploy.template import template_text
    compiled = compile_file(PARENT)
    for fmt in ("cloudformation", "sam"):
        out = tmp_path / f"{fmt}.json"
        out.write_text(template_text(compiled, fmt))
        problems = [m for m in lint_file(out) if m.rule.id[0] in "EW"]
        assert problems == [], problems
        text = out.read_text()
        for action in ("dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage", "states:StartExecution"):
            assert action in text, (fmt, action)
