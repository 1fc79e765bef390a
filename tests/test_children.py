"""Child workflows (compiler/children.py): a parent's entry calling another workflow's entry.

The same parent (tests/child_workflows/orders_parent.py) runs natively (a plain Python call of
the child), compiled in pysfn.local (the child's machine as a nested execution) and compiled in
the oracle (moto's interpreter runs ``states:startExecution.sync:2`` against moto's own Step
Functions, which executes the child machine), with equal results: the child's result through
its return annotation (floats stay floats), a child that raises ``ChargeDeclined`` caught by the
parent's ``except``, and an uncaught child error failing the parent under its own name.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

import oracle
from differential import comparable, import_workflow, run_native
from lambda_worker import LambdaWorker
from pysfn.compiler import compile_file
from pysfn.compiler.children import START_SYNC, child_targets, compile_children, substitution_key
from pysfn.packaging import build_zip
from pysfn.runner import LocalWorkflow, error_message

HERE = Path(__file__).parent / "child_workflows"
PARENT = HERE / "orders_parent.py"
BATCH = HERE / "batch_parent.py"
TYPED = HERE / "typed_parent.py"
CHILD = HERE / "orders_child.py"

CASES = [
    {"order": "a", "amount": 2.5, "quantity": 2, "prices": [1.0, 2.5]},
    {"order": "Straße", "amount": 2.0, "quantity": 3, "prices": [0.0, 2.0, 1e16]},
    {"order": "👍", "amount": 0.0, "quantity": 1, "prices": []},
    {"order": "b", "amount": 7, "quantity": 1, "prices": [3]},            # an int for a float parameter
    {"order": "x", "amount": 2.0, "quantity": 0, "prices": []},           # ChargeDeclined, caught
    {"order": "y", "amount": 600.0, "quantity": 2, "prices": []},         # ChargeDeclined, caught
    {"order": "", "amount": 1.0, "quantity": 1, "prices": []},            # ValueError in the child: uncaught
    {"order": "z", "amount": "1", "quantity": 1, "prices": []},           # the parent's own TypeError
]


BATCH_CASES = [
    {"orders": ["ab", "skip", "Straße"], "amount": 2.0},
    {"orders": ["👍"], "amount": 0.5},
    {"orders": ["", "x"], "amount": 1.0},        # "" charges nothing: ChargeDeclined, caught
    {"orders": ["x", "y" * 600], "amount": 2.0},  # over the limit inside the Map: uncaught
]


def _native(inp, path=PARENT, entry="place"):
    return comparable(run_native(import_workflow(path), entry, inp))


def _local(path, inp):
    local = LocalWorkflow.from_source(path).run(inp)
    compiled = {"status": local.status}
    if local.status == "SUCCEEDED":
        compiled["output"] = local.output
    else:
        compiled.update(error=local.error, cause=error_message(local.cause))
    return comparable(compiled)


TYPED_CASES = [
    {"label": "a", "x": None, "k": 3},
    {"label": "Straße", "x": 2.0, "k": 3},     # a whole float for `m: int | None`: TypeError natively
    {"label": "a", "x": 2.5, "k": 0},          # not whole: the child's own check says the same
    {"label": 5, "x": 2.0, "k": 3},            # `label: str` fails first, in the child's order
    {"label": "a", "x": -0.0, "k": 3},
]


@pytest.mark.parametrize("inp", TYPED_CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_whole_floats_for_int_parameters_natively_and_in_pysfn_local(inp):
    assert _local(TYPED, inp) == _native(inp, TYPED, "main")


@pytest.mark.parametrize("inp", BATCH_CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_child_executions_in_a_map_natively_and_in_pysfn_local(inp):
    assert _local(BATCH, inp) == _native(inp, BATCH, "batch")


def test_the_call_compiles_to_a_child_execution_inside_a_parallel():
    compiled = compile_file(PARENT)
    assert child_targets(compiled.definition) == ["${" + substitution_key("orders_child") + "}"]
    children = [s for s in compiled.definition["States"].values() if s["Type"] == "Parallel"]
    assert len(children) == 2
    first, second = ([s for s in c["Branches"][0]["States"].values() if s["Type"] == "Task"] for c in children)
    assert [t["Resource"] for t in first + second] == [START_SYNC, START_SYNC]
    assert set(first[0]["Arguments"]["Input"]) == {"order", "amount", "quantity", "prices"}
    assert set(second[0]["Arguments"]["Input"]) == {"order", "amount"}
    # `quantity: int` of the child is checked before it starts (a whole float is its TypeError)
    start = children[0]["Branches"][0]["StartAt"]
    assert children[0]["Branches"][0]["States"][start]["Type"] == "Choice"
    assert children[1]["Branches"][0]["States"][children[1]["Branches"][0]["StartAt"]]["Type"] == "Task"
    # the except clause of the parent sits on the Parallel, under the child's error name
    assert [c["ErrorEquals"] for c in children[0]["Catch"]] == [["ChargeDeclined"]]
    assert list(compiled.children) == ["orders_child"]
    assert [t.entry for t, _ in compile_children(compiled).values()] == ["charge"]
    from pysfn.compiler.explain import explain
    assert "child execution of orders_child.charge (states:startExecution.sync:2)" in explain(compiled)


@pytest.mark.parametrize("inp", CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_parent_and_child_natively_and_in_pysfn_local(inp):
    local = LocalWorkflow.from_source(PARENT).run(inp)
    compiled = {"status": local.status, "output": local.output, "error": local.error,
                "cause": error_message(local.cause) if local.status == "FAILED" else None}
    compiled = {k: v for k, v in compiled.items() if v is not None or k == "output" and local.status == "SUCCEEDED"}
    assert comparable(compiled) == _native(inp)


def test_floats_of_the_child_are_floats_in_the_parent():
    out = LocalWorkflow.from_source(PARENT).run(CASES[1]).output
    assert out["str"] == "6.0" and out["again_str"] == "2.0" and out["note"] == "STRASSE ✓ 6.0"


# ---------------------------------------------------------------------- the oracle (moto)

REGION, ACCOUNT = oracle.REGION, oracle.ACCOUNT
PARENT_LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:parent-dispatcher"
CHILD_LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:child-dispatcher"


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("children")
    out = {}
    for name, path, arn in (("parent", PARENT, PARENT_LAMBDA), ("child", CHILD, CHILD_LAMBDA),
                            ("batch", BATCH, PARENT_LAMBDA), ("typed", TYPED, PARENT_LAMBDA),
                            ("typed_child", HERE / "typed_child.py", CHILD_LAMBDA)):
        compiled = compile_file(path, lambda_arn=arn)
        zip_path = tmp / f"{name}.zip"
        build_zip(path, zip_path, compiled.callees, compiled.local_modules, compiled.extracted_source)
        worker = LambdaWorker(zip_path).__enter__()
        out[name] = (compiled, worker)
    yield out
    for _, worker in out.values():
        worker.close()


@pytest.fixture
def moto_sfn(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield boto3.client("stepfunctions", region_name=REGION)


def _oracle_run(workers, sfn, inp, which="parent", child_name="child", module="orders_child"):
    (parent, parent_worker), (child, child_worker) = workers[which], workers[child_name]
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="child-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = sfn.create_state_machine(name="orders-child", definition=json.dumps(child.definition),
                                   roleArn=role)["stateMachineArn"]
    definition = json.loads(json.dumps(parent.definition).replace("${" + substitution_key(module) + "}", arn))

    def invoke(function, payload):
        return (child_worker if function == CHILD_LAMBDA else parent_worker).invoke(payload)
    result = oracle.execute(definition, inp, invoke)
    if result["status"] == "FAILED":
        result["cause"] = error_message(result.get("cause"))
    return result


@pytest.mark.parametrize("inp", CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_parent_and_child_in_the_oracle(workers, moto_sfn, inp):
    assert comparable(_oracle_run(workers, moto_sfn, inp)) == _native(inp)


@pytest.mark.parametrize("inp", TYPED_CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_whole_floats_for_int_parameters_in_the_oracle(workers, moto_sfn, inp):
    result = _oracle_run(workers, moto_sfn, inp, "typed", "typed_child", "typed_child")
    assert comparable(result) == _native(inp, TYPED, "main")


@pytest.mark.parametrize("inp", BATCH_CASES, ids=lambda c: json.dumps(c, ensure_ascii=False))
def test_child_executions_in_a_map_in_the_oracle(workers, moto_sfn, inp):
    assert comparable(_oracle_run(workers, moto_sfn, inp, "batch")) == _native(inp, BATCH, "batch")


# ---------------------------------------------------------------------- deploy and template

def test_deploy_deploys_the_child_first_and_passes_its_arn(monkeypatch):
    from pysfn.deploy import deploy
    from pysfn.deploy.permissions import EVENTS_RULE
    region = "eu-west-1"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": region}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        lines = []
        result = deploy(PARENT, "orders", echo=lines.append, no_dependencies=True)
        assert result.created == ["orders-orders-child-pysfn-lambda", "orders-orders-child-dispatcher",
                                  "orders-orders-child-pysfn-machine", "orders-orders-child",
                                  "orders-pysfn-lambda", "orders-dispatcher", "orders-pysfn-machine", "orders"]
        sfn, iam = boto3.client("stepfunctions", region_name=region), boto3.client("iam", region_name=region)
        machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
        assert set(machines) == {"orders", "orders-orders-child"}
        parent = json.loads(sfn.describe_state_machine(stateMachineArn=machines["orders"])["definition"])
        assert child_targets(parent) == [machines["orders-orders-child"]]
        child = json.loads(sfn.describe_state_machine(stateMachineArn=machines["orders-orders-child"])["definition"])
        functions = {s["Arguments"]["FunctionName"] for s in child["States"].values()
                     if s.get("Resource") == "arn:aws:states:::lambda:invoke"}
        assert functions and all(f.endswith(":function:orders-orders-child-dispatcher") for f in functions)
        policy = iam.get_role_policy(RoleName="orders-pysfn-machine", PolicyName="pysfn")["PolicyDocument"]
        account = "123456789012"
        child_arn = machines["orders-orders-child"]
        assert policy["Statement"][1:] == [
            {"Effect": "Allow", "Action": "states:StartExecution", "Resource": [child_arn]},
            {"Effect": "Allow", "Action": ["states:DescribeExecution", "states:StopExecution"],
             "Resource": [f"arn:aws:states:{region}:{account}:execution:orders-orders-child:*"]},
            {"Effect": "Allow", "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
             "Resource": [f"arn:aws:events:{region}:{account}:rule/{EVENTS_RULE}"]}]
        assert lines.index("child workflow orders_child.charge() as orders-orders-child:") < \
            next(i for i, line in enumerate(lines) if line.startswith("deployed orders:"))
        again = deploy(PARENT, "orders", no_dependencies=True)  # in place: nothing new
        assert again.created == [] and again.state_machine_arn == result.state_machine_arn
        from pysfn.deploy.destroy import destroy, plan
        the_plan = plan("orders")
        assert [r.name for r in the_plan.remove] == [
            "orders", "orders-dispatcher", "orders-pysfn-machine", "orders-pysfn-lambda", "orders-orders-child",
            "orders-orders-child-dispatcher", "orders-orders-child-pysfn-machine", "orders-orders-child-pysfn-lambda"]
        destroy(the_plan)
        assert sfn.list_state_machines()["stateMachines"] == []


@pytest.mark.parametrize("fmt", ["cloudformation", "sam"])
def test_the_template_holds_both_machines_and_passes_cfn_lint(tmp_path, fmt):
    from cfnlint.api import lint_file
    from click.testing import CliRunner
    from pysfn.cli import cli
    out = tmp_path / f"{fmt}.json"
    result = CliRunner().invoke(cli, ["template", str(PARENT), "--format", fmt, "-o", str(out), "--no-warnings"])
    assert result.exit_code == 0, result.output
    problems = lint_file(out)
    assert problems == [], "\n".join(str(p) for p in problems)
    resources = json.loads(out.read_text())["Resources"]
    machines = sorted(k for k, v in resources.items() if v["Type"].endswith("StateMachine"))
    assert machines == ["OrdersChildStateMachine", "StateMachine"]
    parent = resources["StateMachine"]["Properties"]
    assert parent["DefinitionSubstitutions"][substitution_key("orders_child")] == {"Ref": "OrdersChildStateMachine"}
    policies = {p["PolicyName"]: p for p in resources["StateMachineRole"]["Properties"]["Policies"]}
    start = policies["child-workflows"]["PolicyDocument"]["Statement"][0]
    assert start == {"Effect": "Allow", "Action": "states:StartExecution",
                     "Resource": [{"Ref": "OrdersChildStateMachine"}]}
    child_policies = resources["OrdersChildStateMachineRole"]["Properties"]["Policies"]
    assert [p["PolicyName"] for p in child_policies] == ["invoke-dispatcher"]


def test_the_oracle_runs_sync2_child_executions_with_the_api_member_names(moto_sfn):
    """Patch 13 of tests/oracle.py: Step Functions' own members (PascalCase), Output as JSON for
    .sync:2, and a failed child as States.TaskFailed whose Cause holds its Error and Cause;
    pysfn.local gives the same shape."""
    from pysfn.local import run_definition
    child = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x = 1 %}", "Next": "F"}],
              "Default": "S"},
        "S": {"Type": "Succeed", "Output": {"got": "{% $states.input %}", "f": 2.5}},
        "F": {"Type": "Fail", "Error": "Boom", "Cause": "bad x"}}}
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = moto_sfn.create_state_machine(name="c", definition=json.dumps(child), roleArn=role)["stateMachineArn"]
    parent = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": START_SYNC, "End": True,
        "Arguments": {"StateMachineArn": arn, "Input": {"x": "{% $states.input.x %}"}}}}}
    for x in (0, 1):
        theirs = oracle.execute(parent, {"x": x}, lambda f, p: {"ok": None})
        ours = run_definition(parent, {"x": x}, children={arn: (child, None)})
        if x == 0:
            for out in (theirs["output"], ours.output):
                assert (out["Status"], out["Input"], out["Output"]) == ("SUCCEEDED", {"x": 0}, {"got": {"x": 0}, "f": 2.5})
                assert out["StateMachineArn"] == arn and out["ExecutionArn"].startswith(
                    arn.replace(":stateMachine:", ":execution:") + ":")
        else:
            assert theirs["error"] == ours.error == "States.TaskFailed"
            for cause in (json.loads(theirs["cause"]), json.loads(ours.cause)):
                assert (cause["Status"], cause["Error"], cause["Cause"], cause["Input"]) == ("FAILED", "Boom", "bad x", {"x": 1})


# ---------------------------------------------------------------------- diagnostics

def _write(tmp_path, files: dict) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_an_unannotated_child_is_a_warning_at_the_call_and_the_float_is_lost_as_it_says(tmp_path):
    _write(tmp_path, {
        "loose.py": "import pysfn as PSF\n\n@PSF.main\ndef loose(x):\n    return x\n",
        "caller.py": "import pysfn as PSF\nimport loose\n\n@PSF.main\ndef main(v: float) -> str:\n"
                     "    return str(loose.loose(v))\n"})
    compiled = compile_file(tmp_path / "caller.py")
    [warning] = compiled.warnings
    assert (warning.loc.line, warning.loc.col) == (6, 16)
    assert "a whole float passed as x reaches it as an int" in warning.message
    assert "a whole float in its result arrives here as an int" in warning.message
    assert LocalWorkflow.from_compiled(compiled).run({"v": 2.0}).output == "2"  # what the warning says


def test_child_call_mistakes_are_located_errors(tmp_path):
    from click.testing import CliRunner
    from pysfn.cli import cli
    _write(tmp_path, {
        "star.py": "import pysfn as PSF\n\n@PSF.main\ndef star(*xs):\n    return 1\n",
        "calls_star.py": "import pysfn as PSF\nfrom star import star\n\n@PSF.main\ndef main(n: int) -> int:\n"
                         "    return star(n)\n",
        "kw.py": "import pysfn as PSF\n\n@PSF.main\ndef kw(a: int) -> int:\n    return a\n",
        "calls_kw.py": "import pysfn as PSF\nimport kw\n\n@PSF.main\ndef main(n: int) -> int:\n"
                       "    return kw.kw(b=n)\n",
        "cyc_a.py": "import pysfn as PSF\nfrom cyc_b import b\n\n@PSF.main\ndef a(n: int) -> int:\n    return b(n)\n",
        "cyc_b.py": "import pysfn as PSF\nfrom cyc_a import a\n\n@PSF.main\ndef b(n: int) -> int:\n    return a(n)\n"})
    runner = CliRunner()
    result = runner.invoke(cli, ["compile", str(tmp_path / "calls_star.py")])
    assert result.exit_code == 1 and "calls_star.py:6:12: error: the child workflow 'star' takes *args" in result.stderr
    result = runner.invoke(cli, ["compile", str(tmp_path / "calls_kw.py")])
    assert result.exit_code == 1 and "calls_kw.py:6:12: error: kw() got an unexpected keyword argument 'b'" \
        in result.stderr
    result = runner.invoke(cli, ["template", str(tmp_path / "cyc_a.py")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "cyc_b.py:6:12: error: child workflows call each other in a cycle (cyc_a -> cyc_b -> cyc_a)" in result.stderr


def test_aws_stepfunctions_start_execution_stays_request_response():
    """``aws.stepfunctions.start_execution`` is boto3's call natively, which does not wait: it
    compiles to the request-response ``aws-sdk:sfn:startExecution`` (the waiting form is calling
    the child's entry)."""
    from pysfn.compiler import compile_source
    source = ("import pysfn as PSF\nfrom pysfn import aws\n\n@PSF.main\ndef main(arn: str) -> str:\n"
              "    r = aws.stepfunctions.start_execution(stateMachineArn=arn, input='{}')\n"
              "    return r['ExecutionArn']\n")
    tasks = [s for s in compile_source(source, "starter.py").definition["States"].values() if s["Type"] == "Task"]
    assert [t["Resource"] for t in tasks] == ["arn:aws:states:::aws-sdk:sfn:startExecution"]


def test_an_express_parent_is_refused_at_the_child_call():
    from click.testing import CliRunner
    from pysfn.cli import cli
    result = CliRunner().invoke(cli, ["template", str(PARENT), "--express", "--no-warnings"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "orders_parent.py:16:19: error: an Express state machine cannot wait for the child workflow " \
           "'orders_child.charge'" in result.stderr


def test_a_negative_zero_is_the_warned_difference():
    """JSON has no -0.0: the child gets 0.0 (the warning at the call says so), natively -0.0."""
    compiled = compile_file(PARENT)
    assert all("-0.0 passed or returned arrives as 0.0" in w.message for w in compiled.warnings)
    inp = {"order": "n", "amount": -0.0, "quantity": 1, "prices": []}
    assert run_native(import_workflow(PARENT), "place", inp)["output"]["str"] == "-0.0"
    assert LocalWorkflow.from_compiled(compiled).run(inp).output["str"] == "0.0"
