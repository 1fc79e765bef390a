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
START_SYNC = "arn:aws:states:::states:startExecution.sync:2"
# The EventBridge rule Step Functions manages to learn that a .sync child execution ended (the
# Step Functions developer guide, "IAM policies for ... nested workflow executions", Synchronous).
EVENTS_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule"


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


def child_statements(machines: list, executions: list, events_rule) -> list[dict]:
    """What a ``startExecution.sync:2`` Task needs: start the child machines, describe and stop
    their executions, and manage Step Functions' EventBridge rule for .sync."""
    return [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": machines},
            {"Effect": "Allow", "Action": ["states:DescribeExecution", "states:StopExecution"],
             "Resource": executions},
            {"Effect": "Allow", "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
             "Resource": [events_rule]}]


def child_permissions(definition: dict, region: str, account: str, partition: str = "aws") -> Permissions:
    """The statements for the child workflow Tasks of ``definition`` (their StateMachineArn literal,
    as deploy substitutes them), on ``*`` with a warning where a Task computes the ARN."""
    out = Permissions()
    machines: list[str] = []
    for name, state in _tasks(definition.get("States", {})):
        if state.get("Resource") != START_SYNC:
            continue
        arguments = state.get("Arguments") if isinstance(state.get("Arguments"), dict) else {}
        arn = _literal(arguments.get("StateMachineArn"))
        if arn is None or not arn.startswith("arn:") or ":stateMachine:" not in arn:
            arn = "*"
            out.warnings.append(f"state '{name}': the machine's role may start any state machine, because its "
                                "Arguments compute the StateMachineArn at run time")
        if arn not in machines:
            machines.append(arn)
    if not machines:
        return out
    if "*" in machines:
        executions = ["*"]
        machines = ["*"]
    else:
        executions = [arn.replace(":stateMachine:", ":execution:") + ":*" for arn in machines]
    out.statements = child_statements(machines, executions,
                                      f"arn:{partition}:events:{region}:{account}:rule/{EVENTS_RULE}")
    return out
