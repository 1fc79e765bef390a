"""``pysfn deploy``: source -> the dispatcher Lambda, two roles and the state machine, in place.

Everything is named after ``--name`` (``NAME-dispatcher``, ``NAME-pysfn-lambda``,
``NAME-pysfn-machine``, the state machine ``NAME``), so deploying again finds and updates
what the first deploy created and nothing is duplicated. Least privilege:

* the Lambda's role may only write its own log group (``/aws/lambda/NAME-dispatcher``);
* the state machine's role may only invoke that one function (and its versions).

Roles given with ``--role-arn`` / ``--lambda-role-arn`` are used as they are.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Callable

from pysfn.deploy.aws import Aws, AwsError, explain
from pysfn.deploy.names import check_name
from pysfn.deploy.roles import role_problems, trust_policy

RUNTIME = "python3.12"
HANDLER = "handler.dispatch"
LAMBDA_TIMEOUT = 60   # seconds per callee call; the state machine retries Lambda service errors
TAG = "pysfn:name"    # on everything deploy creates: pysfn destroy removes only what carries it


def role_description(name: str) -> str:
    return f"pysfn: {name}, least privilege"


def function_description(name: str) -> str:
    return f"pysfn dispatcher of {name}"


@dataclass
class Deployment:
    function_arn: str
    state_machine_arn: str
    created: list[str]
    updated: list[str]


def _trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def lambda_policy(region: str, account: str, function: str) -> dict:
    group = f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{function}"
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": group + ":*"},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": group + ":log-stream:*"},
    ]}


def machine_policy(function_arn: str, services: list[dict] = ()) -> dict:
    """Invoke the dispatcher, plus what the service integrations need (deploy/permissions.py)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [function_arn, function_arn + ":*"]},
        *services]}


class _Deployer:
    def __init__(self, aws: Aws, name: str, echo: Callable[[str], None]):
        self.aws, self.name, self.echo = aws, name, echo
        self.created: list[str] = []
        self.updated: list[str] = []

    def call(self, doing: str, fn, **kwargs):
        try:
            return fn(**kwargs)
        except Exception as e:  # noqa: BLE001 -- boto3 raises many classes; each becomes one line
            raise explain(e, doing) from None

    def account(self) -> str:
        return self.call("reading the account id", self.aws.client("sts").get_caller_identity)["Account"]

    def existing_role(self, role_name: str, service: str, trust: dict) -> dict | None:
        """The role if it exists and is pysfn's; AwsError if it exists and is not (roles.py)."""
        iam = self.aws.client("iam")
        from botocore.exceptions import ClientError
        try:
            role = iam.get_role(RoleName=role_name)["Role"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchEntity":
                raise explain(e, f"reading the role {role_name}") from None
            role = None
        except Exception as e:  # noqa: BLE001
            raise explain(e, f"reading the role {role_name}") from None
        if role is not None:  # adopted only if it is exactly what pysfn manages
            problems = self.call(f"reading the policies of {role_name}", role_problems, iam=iam, role=role,
                                 accepted_trusts=[trust, json.loads(_trust(service))])
            if problems:
                raise AwsError(f"the role {role_name} exists but is not the role pysfn manages: {'; '.join(problems)}. "
                               "pysfn does not adopt it: delete it, or pass it with --role-arn/--lambda-role-arn "
                               "to use it as it is")
        return role

    def role(self, role_name: str, service: str, policy: dict, trust: dict | None = None) -> str:
        iam = self.aws.client("iam")
        trust = trust or json.loads(_trust(service))
        role = self.existing_role(role_name, service, trust)
        if role is not None:
            arn = role["Arn"]
            self.call(f"writing the trust policy of {role_name}", iam.update_assume_role_policy, RoleName=role_name,
                      PolicyDocument=json.dumps(trust))
            self.echo(f"  role {role_name}: exists, policy updated")
            self.updated.append(role_name)
        else:
            arn = self.call(f"creating the role {role_name}", iam.create_role, RoleName=role_name,
                            AssumeRolePolicyDocument=json.dumps(trust),
                            Description=role_description(self.name),
                            Tags=[{"Key": TAG, "Value": self.name}])["Role"]["Arn"]
            self.echo(f"  role {role_name}: created")
            self.created.append(role_name)
        self.call(f"writing the policy of {role_name}", iam.put_role_policy, RoleName=role_name,
                  PolicyName="pysfn", PolicyDocument=json.dumps(policy))
        return arn

    def code(self, function: str, zip_bytes: bytes, bucket: str | None) -> dict:
        """The function's code: the zip itself, or (with a bucket, required over Lambda's 50 MB
        direct-upload limit) the zip uploaded to ``s3://BUCKET/pysfn/FUNCTION/SHA256.zip``."""
        from pysfn.packaging.zipper import DIRECT_UPLOAD_LIMIT
        if bucket is None:
            if len(zip_bytes) > DIRECT_UPLOAD_LIMIT:
                raise AwsError(f"the package is {len(zip_bytes) / 1e6:.1f} MB; Lambda takes at most "
                               f"{DIRECT_UPLOAD_LIMIT / 1e6:g} MB uploaded directly: give --bucket BUCKET "
                               "to stage it through S3")
            return {"ZipFile": zip_bytes}
        key = f"pysfn/{function}/{hashlib.sha256(zip_bytes).hexdigest()}.zip"
        self.call(f"uploading the package to s3://{bucket}/{key}", self.aws.client("s3").put_object,
                  Bucket=bucket, Key=key, Body=zip_bytes)
        self.echo(f"  package uploaded to s3://{bucket}/{key}")
        return {"S3Bucket": bucket, "S3Key": key}

    def function(self, function: str, code: dict, role_arn: str, arch: str = "x86_64") -> str:
        lam = self.aws.client("lambda")
        from botocore.exceptions import ClientError
        try:
            lam.get_function(FunctionName=function)
            exists = True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise explain(e, f"reading the function {function}") from None
            exists = False
        except Exception as e:  # noqa: BLE001
            raise explain(e, f"reading the function {function}") from None
        if exists:
            arn = self.call(f"updating the code of {function}", lam.update_function_code,
                            FunctionName=function, Architectures=[arch], **code)["FunctionArn"]
            self._wait_updated(function)
            self.call(f"updating the configuration of {function}", lam.update_function_configuration,
                      FunctionName=function, Role=role_arn, Handler=HANDLER, Runtime=RUNTIME, Timeout=LAMBDA_TIMEOUT)
            self._wait_updated(function)
            self.echo(f"  function {function}: code and configuration updated")
            self.updated.append(function)
            return arn
        for attempt in range(10):  # a new role takes a few seconds to be usable by Lambda
            try:
                arn = lam.create_function(FunctionName=function, Runtime=RUNTIME, Handler=HANDLER, Role=role_arn,
                                          Code=code, Timeout=LAMBDA_TIMEOUT, Architectures=[arch],
                                          Description=function_description(self.name),
                                          Tags={TAG: self.name})["FunctionArn"]
                break
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") == "InvalidParameterValueException" \
                        and "role" in str(e).lower() and attempt < 9:
                    time.sleep(3)
                    continue
                raise explain(e, f"creating the function {function}") from None
            except Exception as e:  # noqa: BLE001
                raise explain(e, f"creating the function {function}") from None
        self._wait_updated(function)
        self.echo(f"  function {function}: created ({RUNTIME}, {arch}, {HANDLER})")
        self.created.append(function)
        return arn

    def _wait_updated(self, function: str) -> None:
        """Until the function is Active and no update is in progress (the next call would fail)."""
        lam = self.aws.client("lambda")
        for _ in range(120):
            config = self.call(f"reading the function {function}", lam.get_function_configuration,
                               FunctionName=function)
            if config.get("State", "Active") != "Pending" and config.get("LastUpdateStatus", "Successful") != "InProgress":
                if config.get("State") == "Failed" or config.get("LastUpdateStatus") == "Failed":
                    raise AwsError(f"the function {function} failed to deploy: "
                                   f"{config.get('StateReason') or config.get('LastUpdateStatusReason')}")
                return
            time.sleep(1)
        raise AwsError(f"the function {function} is still being updated after 2 minutes")

    def state_machine(self, definition: dict, role_arn: str, express: bool) -> str:
        sfn = self.aws.client("stepfunctions")
        kind = "EXPRESS" if express else "STANDARD"
        existing = find_state_machine(self.aws, self.name)
        text = json.dumps(definition)
        if existing is not None:
            described = self.call(f"reading the state machine {self.name}", sfn.describe_state_machine,
                                  stateMachineArn=existing)
            if described.get("type", "STANDARD") != kind:
                raise AwsError(f"the state machine {self.name} exists as {described.get('type')}; it cannot become "
                               f"{kind}: delete it first, or deploy under another --name")
            self.call(f"updating the state machine {self.name}", sfn.update_state_machine, stateMachineArn=existing,
                      definition=text, roleArn=role_arn)
            self.echo(f"  state machine {self.name}: definition updated ({kind})")
            self.updated.append(self.name)
            return existing
        arn = self.call(f"creating the state machine {self.name}", sfn.create_state_machine, name=self.name,
                        definition=text, roleArn=role_arn, type=kind,
                        tags=[{"key": TAG, "value": self.name}])["stateMachineArn"]
        self.echo(f"  state machine {self.name}: created ({kind})")
        self.created.append(self.name)
        return arn


def _functions(compiled) -> str:
    """``5 callee(s)``, and ``, 2 extracted function(s)`` when code was extracted."""
    from pysfn.compiler.extraction import extracted_module_name
    prefix = extracted_module_name(compiled.module_name) + "."
    extracted = sum(1 for key in compiled.callees if key.startswith(prefix))
    text = f"{len(compiled.callees) - extracted} callee(s)"
    return text + (f", {extracted} extracted function(s)" if extracted else "")


def _partition(aws: Aws, region: str) -> str:
    try:
        return aws.session.get_partition_for_region(region) or "aws"
    except Exception:  # noqa: BLE001 -- an unknown region: the commercial partition
        return "aws"


def find_state_machine(aws: Aws, name: str) -> str | None:
    """The ARN of the state machine called ``name``, or None."""
    sfn = aws.client("stepfunctions")
    try:
        for page in sfn.get_paginator("list_state_machines").paginate():
            for machine in page["stateMachines"]:
                if machine["name"] == name:
                    return machine["stateMachineArn"]
    except Exception as e:  # noqa: BLE001
        raise explain(e, "listing the state machines") from None
    return None


def deploy(source, name: str, *, region: str | None = None, endpoint_url: str | None = None,
           role_arn: str | None = None, lambda_role_arn: str | None = None, express: bool = False,
           entry: str | None = None, echo: Callable[[str], None] = lambda line: None,
           requirements_file=None, arch: str = "x86_64", no_dependencies: bool = False,
           bucket: str | None = None, warn: Callable[[list], None] = lambda warnings: None) -> Deployment:
    """Compile and package ``source``, then create or update its Lambda, roles and state machine.

    The package bundles the dependencies ``source`` declares (``packaging.dependencies``) for
    ``arch`` and the runtime's Python; over 50 MB it must go through S3 (``bucket``). ``warn``
    receives the compiler's warnings (once), before anything is created."""
    from pysfn.compiler import compile_file
    from pysfn.packaging import build_zip_bytes
    from pysfn.packaging.dependencies import bundle
    check_name(name)  # AWS's naming rules for every resource named after it, before any call
    aws = Aws(region, endpoint_url)
    d = _Deployer(aws, name, echo)
    function = f"{name}-dispatcher"
    compiled = compile_file(source, entry=entry)
    warn(compiled.warnings)
    if express:  # AWS refuses the machine; say so before creating anything
        from pysfn.callback_answers import waiting_callees
        for state, _ in waiting_callees(compiled.definition)[:1]:
            raise AwsError(f"state '{state}' waits for a callback (PSF.wait_for_callback), and Express workflows do "
                           "not support .waitForTaskToken: deploy it without --express")
    dependencies = None if no_dependencies else \
        bundle(compiled.source_path, requirements_file, arch, RUNTIME.removeprefix("python"))
    zip_bytes = build_zip_bytes(compiled.source_path, compiled.callees, compiled.local_modules,
                                compiled.extracted_source, dependencies)
    echo(f"compiled {compiled.source_path.name}: {compiled.entry}(), {_functions(compiled)}; "
         f"package {len(zip_bytes):,} bytes")
    if bucket is None:  # over the direct-upload limit without a bucket: refused before any AWS call
        d.code(function, zip_bytes, None)
    region_name = aws.session.region_name
    account = d.account() if lambda_role_arn is None or role_arn is None else None
    partition = _partition(aws, region_name)
    machine_arn = f"arn:{partition}:states:{region_name}:{account}:stateMachine:{name}"
    # Both roles are checked before anything is created: a foreign role stops the deploy untouched.
    if lambda_role_arn is None:
        d.existing_role(f"{name}-pysfn-lambda", "lambda.amazonaws.com", trust_policy("lambda.amazonaws.com", account))
    if role_arn is None:
        d.existing_role(f"{name}-pysfn-machine", "states.amazonaws.com",
                        trust_policy("states.amazonaws.com", account, machine_arn))
    if lambda_role_arn is None:
        lambda_role_arn = d.role(f"{name}-pysfn-lambda", "lambda.amazonaws.com",
                                 lambda_policy(region_name, account, function),
                                 trust_policy("lambda.amazonaws.com", account))
    function_arn = d.function(function, d.code(function, zip_bytes, bucket), lambda_role_arn, arch)
    if role_arn is None:
        from pysfn.deploy.permissions import service_permissions
        services = service_permissions(compiled.definition, region_name, account)
        for warning in services.warnings:
            echo(f"warning: {warning}")
        role_arn = d.role(f"{name}-pysfn-machine", "states.amazonaws.com",
                          machine_policy(function_arn, services.statements),
                          trust_policy("states.amazonaws.com", account, machine_arn))
    definition = compile_file(source, lambda_arn=function_arn, entry=entry).definition
    machine_arn = d.state_machine(definition, role_arn, express)
    echo(f"deployed {name}: {machine_arn}")
    return Deployment(function_arn, machine_arn, d.created, d.updated)
