"""What the state machine's role must allow for the service integrations its Tasks call.

Read from the compiled definition (every Task, inside Parallel branches and Map processors too):
each service Task needs its IAM action (``dynamodb:PutItem``), on the resource its Arguments
name when they name it with a literal (a table, a queue URL, a topic, a bucket, a function), and
on ``*`` otherwise, with a warning that says which state and why. ``deploy`` fills in the region
and account; ``template`` leaves ``${AWS::Region}``/``${AWS::AccountId}`` for ``Fn::Sub``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


@dataclass
class Permissions:
    statements: list[dict] = field(default_factory=list)   # IAM policy statements
    warnings: list[str] = field(default_factory=list)       # resources that could not be narrowed


def _tasks(states: dict):
    for name, state in states.items():
        if state.get("Type") == "Task":
            yield name, state
        for branch in state.get("Branches", []):
            yield from _tasks(branch.get("States", {}))
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from _tasks(processor.get("States", {}))


def _literal(value) -> str | None:
    return value if isinstance(value, str) and not value.startswith("{%") else None


def _resources(client: str, arguments: dict, region: str, account: str) -> list[str] | None:
    """The ARNs ``arguments`` name with literals, or None when they cannot be told."""
    if client == "dynamodb" and (table := _literal(arguments.get("TableName"))):
        return [table if table.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account}:table/{table}"]
    if client == "sqs" and (url := _literal(arguments.get("QueueUrl"))):
        parts = urlparse(url).path.strip("/").split("/")
        if len(parts) == 2:
            return [f"arn:aws:sqs:{region}:{parts[0]}:{parts[1]}"]
    if client == "sns" and (topic := _literal(arguments.get("TopicArn"))):
        return [topic]
    if client == "s3" and (bucket := _literal(arguments.get("Bucket"))):
        return [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    if client == "lambda" and (function := _literal(arguments.get("FunctionName"))):
        arn = function if function.startswith("arn:") else f"arn:aws:lambda:{region}:{account}:function:{function}"
        return [arn, arn + ":*"]
    if client == "events" and isinstance(arguments.get("Entries"), list):
        buses = [_literal(e.get("EventBusName", "default")) if isinstance(e, dict) else None
                 for e in arguments["Entries"]]
        if buses and all(buses):
            return sorted({b if b.startswith("arn:") else f"arn:aws:events:{region}:{account}:event-bus/{b}"
                           for b in buses})
    return None


def service_permissions(definition: dict, region: str = "${AWS::Region}",
                        account: str = "${AWS::AccountId}") -> Permissions:
    """The statements for every service Task of ``definition`` (Lambda invokes of the dispatcher
    are granted separately)."""
    from pysfn.compiler.integrations import iam_prefix, methods
    from pysfn.local.service_tasks import is_service_resource, target
    by_action: dict[str, set[str]] = {}
    out = Permissions()
    for name, state in _tasks(definition.get("States", {})):
        resource = state.get("Resource")
        if resource == LAMBDA_INVOKE or not is_service_resource(resource):
            continue
        client, method = target(resource)
        action = f"{iam_prefix(client)}:{methods(client)[method]}"
        arguments = state.get("Arguments") if isinstance(state.get("Arguments"), dict) else {}
        arns = _resources(client, arguments, region, account)
        if arns is None:
            arns = ["*"]
            out.warnings.append(f"state '{name}': the machine's role may call {action} on any resource, "
                                "because its Arguments compute the resource at run time")
        by_action.setdefault(action, set()).update(arns)
    for action in sorted(by_action):
        arns = sorted(by_action[action])
        out.statements.append({"Effect": "Allow", "Action": action, "Resource": ["*"] if "*" in arns else arns})
    return out
