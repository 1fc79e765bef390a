"""``pysfn template``: CloudFormation or SAM for teams that deploy with infrastructure as code.

The template holds what ``pysfn deploy`` creates: the dispatcher Lambda, the two
least-privilege roles and the state machine, whose definition is the compiled one with
the Lambda ARN left as ``${DispatcherFunctionArn}`` and filled by
``DefinitionSubstitutions``. The Lambda code is the zip of ``pysfn package``:

* CloudFormation: uploaded by you to S3; the template takes ``CodeBucket`` / ``CodeKey``
  (and ``<Child>CodeKey`` per child workflow, see ``template``);
* SAM: ``CodeUri`` names the local zip; ``sam deploy`` uploads it.

CDK users can include either with ``CfnInclude``. JSON is valid YAML, so the output is JSON.
"""

from __future__ import annotations

import json

from pysfn.deploy.deployer import HANDLER, LAMBDA_TIMEOUT, RUNTIME

FORMATS = ("cloudformation", "sam")
ZIP_NAME = "dispatcher.zip"


def _logs_policy(function: str) -> dict:
    group = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                        "${AWS::StackName}-" + function}
    stream = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                         "${AWS::StackName}-" + function + ":log-stream:*"}
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


def _invoke_policy(function_id: str) -> dict:
    arn = {"Fn::GetAtt": [function_id, "Arn"]}
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


def _child_policies(children: dict) -> list[dict]:
    """Start the child machines and wait for them (deploy/permissions.py), by their resources."""
    from pysfn.deploy.permissions import EVENTS_RULE, child_statements
    if not children:
        return []
    machines = [{"Ref": machine_id} for machine_id in children.values()]
    executions = [{"Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${"
                              + machine_id + ".Name}:*"} for machine_id in children.values()]
    rule = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + EVENTS_RULE}
    return [{"PolicyName": "child-workflows", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": child_statements(machines, executions, rule)}}]


def _logical_prefix(module: str) -> str:
    """``orders_child`` -> ``OrdersChild``: CloudFormation logical IDs are alphanumeric."""
    return "".join(part[:1].upper() + part[1:] for part in module.replace(".", "_").split("_") if part) or "Child"


def _workflow(compiled, fmt: str, kind: str, arch: str, prefix: str, children: dict) -> tuple[dict, dict]:
    """(resources, parameters) of one workflow: its dispatcher, two roles and the machine, logical IDs
    starting with ``prefix`` ("" for the workflow the template is for; children: their module's
    name). ``children`` maps each child's ARN substitution key to its machine's logical ID."""
    role_id, function_id = f"{prefix}DispatcherRole", f"{prefix}DispatcherFunction"
    machine_role_id, machine_id = f"{prefix}StateMachineRole", f"{prefix}StateMachine"
    short = "dispatcher" if not prefix else f"{compiled.module_name.replace('_', '-')}-dispatcher"
    function_name = {"Fn::Sub": "${AWS::StackName}-" + short}
    machine_role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _trust("states.amazonaws.com"),
        "Policies": [{"PolicyName": "invoke-dispatcher", "PolicyDocument": _invoke_policy(function_id)},
                     *_service_policies(compiled.definition), *_child_policies(children)]}}
    lambda_role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _trust("lambda.amazonaws.com"),
        "Policies": [{"PolicyName": "own-logs", "PolicyDocument": _logs_policy(short)}]}}
    substitutions = {"DispatcherFunctionArn": {"Fn::GetAtt": [function_id, "Arn"]},
                     **{key: {"Ref": child_id} for key, child_id in children.items()}}
    parameters = {}
    if fmt == "cloudformation":
        key = f"{prefix}CodeKey"
        parameters[key] = {"Type": "String", "Description": f"S3 key of the zip of `pysfn package "
                                                             f"{compiled.source_path.name}`"}
        function = {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": function_name, "Runtime": RUNTIME, "Handler": HANDLER,
            "Timeout": LAMBDA_TIMEOUT, "Role": {"Fn::GetAtt": [role_id, "Arn"]}, "Architectures": [arch],
            "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": key}}}}
        machine = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "StateMachineType": kind, "Definition": compiled.definition, "DefinitionSubstitutions": substitutions,
            "RoleArn": {"Fn::GetAtt": [machine_role_id, "Arn"]}}}
    else:
        function = {"Type": "AWS::Serverless::Function", "Properties": {
            "FunctionName": function_name, "Runtime": RUNTIME, "Handler": HANDLER, "Timeout": LAMBDA_TIMEOUT,
            "CodeUri": ZIP_NAME if not prefix else f"{short}.zip", "Architectures": [arch],
            "Role": {"Fn::GetAtt": [role_id, "Arn"]}}}
        machine = {"Type": "AWS::Serverless::StateMachine", "Properties": {
            "Type": kind, "Definition": compiled.definition, "DefinitionSubstitutions": substitutions,
            "Role": {"Fn::GetAtt": [machine_role_id, "Arn"]}}}
    resources = {role_id: lambda_role, function_id: function, machine_role_id: machine_role, machine_id: machine}
    return resources, parameters


def template(compiled, fmt: str = "cloudformation", express: bool = False, arch: str = "x86_64") -> dict:
    """The template for a ``CompileResult`` compiled with the default ``${DispatcherFunctionArn}``.

    Child workflows it calls (compiler/children.py) are in it too, each with its own dispatcher,
    roles and machine (logical IDs prefixed with its module's name, e.g. ``OrdersChildStateMachine``;
    the S3 key of its own zip, ``pysfn package orders_child.py``, is the parameter
    ``OrdersChildCodeKey``, or for SAM the file ``orders-child-dispatcher.zip``), and the parent's
    definition gets each child machine's ARN through ``DefinitionSubstitutions``."""
    from pysfn.compiler.children import compile_children, refuse_express, substitution_key
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}: {' or '.join(FORMATS)}")
    if express:
        refuse_express(compiled)
    kind = "EXPRESS" if express else "STANDARD"
    description = f"pysfn: {compiled.entry}() of {compiled.source_path.name}, its dispatcher Lambda and roles"
    outputs = {
        "StateMachineArn": {"Value": {"Ref": "StateMachine"}},
        "DispatcherFunctionArn": {"Value": {"Fn::GetAtt": ["DispatcherFunction", "Arn"]}},
    }
    resources, parameters = {}, {}
    machine_ids: dict = {}  # module -> its machine's logical ID
    for module, (target, child) in compile_children(compiled).items():  # grandchildren first
        prefix = _logical_prefix(module)
        own = {substitution_key(m): machine_ids[m] for m in child.children}
        child_resources, child_parameters = _workflow(child, fmt, "STANDARD", arch, prefix, own)
        resources.update(child_resources)
        parameters.update(child_parameters)
        machine_ids[module] = f"{prefix}StateMachine"
        outputs[f"{prefix}StateMachineArn"] = {"Value": {"Ref": f"{prefix}StateMachine"}}
    own = {substitution_key(m): machine_ids[m] for m in compiled.children}
    main_resources, main_parameters = _workflow(compiled, fmt, kind, arch, "", own)
    resources = {**main_resources, **resources}
    if fmt == "cloudformation":
        return {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": description,
            "Parameters": {
                "CodeBucket": {"Type": "String", "Description": "S3 bucket holding the zips of `pysfn package`"},
                **main_parameters, **parameters,
            },
            "Resources": resources,
            "Outputs": outputs,
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": description,
        "Resources": resources,
        "Outputs": outputs,
    }


def template_text(compiled, fmt: str = "cloudformation", express: bool = False, arch: str = "x86_64") -> str:
    return json.dumps(template(compiled, fmt, express, arch), indent=2, ensure_ascii=False) + "\n"
