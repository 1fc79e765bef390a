"""``pysfn template``: CloudFormation or SAM for teams that deploy with infrastructure as code.

The template holds what ``pysfn deploy`` creates: the dispatcher Lambda, the two
least-privilege roles and the state machine, whose definition is the compiled one with
the Lambda ARN left as ``${DispatcherFunctionArn}`` and filled by
``DefinitionSubstitutions``. The Lambda code is the zip of ``pysfn package``:

* CloudFormation: uploaded by you to S3; the template takes ``CodeBucket`` / ``CodeKey``;
* SAM: ``CodeUri`` names the local zip; ``sam deploy`` uploads it.

CDK users can include either with ``CfnInclude``. JSON is valid YAML, so the output is JSON.
"""

from __future__ import annotations

import json

from pysfn.deploy.deployer import HANDLER, LAMBDA_TIMEOUT, RUNTIME

FORMATS = ("cloudformation", "sam")
ZIP_NAME = "dispatcher.zip"


def _logs_policy() -> dict:
    group = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                        "${AWS::StackName}-dispatcher"}
    stream = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                         "${AWS::StackName}-dispatcher:log-stream:*"}
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": group},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": stream}]}


def _trust(service: str) -> dict:
    """Trust with the confused-deputy conditions (deploy/roles.py): this account only, and for the
    state machine's role, state machines of this account and region only (its name is generated)."""
    condition = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    if service == "states.amazonaws.com":
        condition["ArnLike"] = {"aws:SourceArn": {
            "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*"}}
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole", "Condition": condition}]}


def _invoke_policy() -> dict:
    arn = {"Fn::GetAtt": ["DispatcherFunction", "Arn"]}
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction",
         "Resource": [arn, {"Fn::Join": ["", [arn, ":*"]]}]}]}


def _service_policies(definition: dict) -> list[dict]:
    """The service integrations' permissions (deploy/permissions.py), ARNs through Fn::Sub."""
    from pysfn.deploy.permissions import service_permissions
    statements = service_permissions(definition).statements
    if not statements:
        return []
    for statement in statements:
        statement["Resource"] = [{"Fn::Sub": r} if "${" in r else r for r in statement["Resource"]]
    return [{"PolicyName": "service-integrations",
             "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]


def template(compiled, fmt: str = "cloudformation", express: bool = False, arch: str = "x86_64") -> dict:
    """The template for a ``CompileResult`` compiled with the default ``${DispatcherFunctionArn}``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}: {' or '.join(FORMATS)}")
    kind = "EXPRESS" if express else "STANDARD"
    description = f"pysfn: {compiled.entry}() of {compiled.source_path.name}, its dispatcher Lambda and roles"
    function_name = {"Fn::Sub": "${AWS::StackName}-dispatcher"}
    outputs = {
        "StateMachineArn": {"Value": {"Ref": "StateMachine"}},
        "DispatcherFunctionArn": {"Value": {"Fn::GetAtt": ["DispatcherFunction", "Arn"]}},
    }
    machine_role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _trust("states.amazonaws.com"),
        "Policies": [{"PolicyName": "invoke-dispatcher", "PolicyDocument": _invoke_policy()},
                     *_service_policies(compiled.definition)]}}
    lambda_role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _trust("lambda.amazonaws.com"),
        "Policies": [{"PolicyName": "own-logs", "PolicyDocument": _logs_policy()}]}}
    substitutions = {"DispatcherFunctionArn": {"Fn::GetAtt": ["DispatcherFunction", "Arn"]}}
    if fmt == "cloudformation":
        return {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": description,
            "Parameters": {
                "CodeBucket": {"Type": "String", "Description": "S3 bucket holding the zip of `pysfn package`"},
                "CodeKey": {"Type": "String", "Description": "S3 key of that zip"},
            },
            "Resources": {
                "DispatcherRole": lambda_role,
                "DispatcherFunction": {"Type": "AWS::Lambda::Function", "Properties": {
                    "FunctionName": function_name, "Runtime": RUNTIME, "Handler": HANDLER,
                    "Timeout": LAMBDA_TIMEOUT, "Role": {"Fn::GetAtt": ["DispatcherRole", "Arn"]},
                    "Architectures": [arch],
                    "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}}}},
                "StateMachineRole": machine_role,
                "StateMachine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
                    "StateMachineType": kind, "Definition": compiled.definition,
                    "DefinitionSubstitutions": substitutions,
                    "RoleArn": {"Fn::GetAtt": ["StateMachineRole", "Arn"]}}},
            },
            "Outputs": outputs,
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": description,
        "Resources": {
            "DispatcherRole": lambda_role,
            "DispatcherFunction": {"Type": "AWS::Serverless::Function", "Properties": {
                "FunctionName": function_name, "Runtime": RUNTIME, "Handler": HANDLER, "Timeout": LAMBDA_TIMEOUT,
                "CodeUri": ZIP_NAME, "Architectures": [arch], "Role": {"Fn::GetAtt": ["DispatcherRole", "Arn"]}}},
            "StateMachineRole": machine_role,
            "StateMachine": {"Type": "AWS::Serverless::StateMachine", "Properties": {
                "Type": kind, "Definition": compiled.definition, "DefinitionSubstitutions": substitutions,
                "Role": {"Fn::GetAtt": ["StateMachineRole", "Arn"]}}},
        },
        "Outputs": outputs,
    }


def template_text(compiled, fmt: str = "cloudformation", express: bool = False, arch: str = "x86_64") -> str:
    return json.dumps(template(compiled, fmt, express, arch), indent=2, ensure_ascii=False) + "\n"
