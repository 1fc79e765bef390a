"""``pysfn destroy NAME``: remove what ``pysfn deploy --name NAME`` created, and nothing else.

Deploy names everything after NAME and tags what it creates (``pysfn:name = NAME``); a resource
is removed only when it carries that tag or, for what earlier versions created untagged, the
description deploy writes (roles, function) or the role deploy created (state machine). A
resource of that name without either — a machine someone else made, a role given with
``--role-arn`` — is left alone and reported. ``plan`` says what would go; ``destroy`` removes
it: the state machine first (nothing invokes the function any more), then the function, then
the roles' inline policies and the roles. The child workflows deploy created for NAME
(``NAME-<module>``, started by NAME's machine) go too, after it, by the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pysfn.deploy.aws import Aws, explain
from pysfn.deploy.deployer import TAG, find_state_machine, function_description, role_description


@dataclass
class Resource:
    kind: str          # "state machine", "function", "role"
    name: str
    arn: str
    ours: bool
    why: str = ""      # when not ours: why it is left alone


@dataclass
class Plan:
    name: str
    remove: list[Resource] = field(default_factory=list)
    keep: list[Resource] = field(default_factory=list)


def _code(error) -> str:
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


def plan(name: str, *, region: str | None = None, endpoint_url: str | None = None) -> Plan:
    aws = Aws(region, endpoint_url)
    result = Plan(name)
    found = []
    found += _machine(aws, name)
    found += _function(aws, name)
    for role in (f"{name}-pysfn-machine", f"{name}-pysfn-lambda"):
        found += _role(aws, name, role)
    for resource in found:
        (result.remove if resource.ours else result.keep).append(resource)
    for child in _children(aws, name, found):  # after the parent: nothing starts them any more
        child_plan = plan(child, region=region, endpoint_url=endpoint_url)
        result.remove += child_plan.remove
        result.keep += child_plan.keep
    return result


def _children(aws: Aws, name: str, found: list[Resource]) -> list[str]:
    """The child workflows deploy created for ``name`` (``NAME-<module>``, compiler/children.py):
    the state machines its own machine's definition starts, when they are named after it."""
    import json

    from pysfn.compiler.children import child_targets
    machine = next((r for r in found if r.kind == "state machine" and r.ours), None)
    if machine is None:
        return []
    try:
        definition = json.loads(aws.client("stepfunctions").describe_state_machine(
            stateMachineArn=machine.arn)["definition"])
    except Exception as e:  # noqa: BLE001
        raise explain(e, f"reading the state machine {name}") from None
    names = [arn.rsplit(":", 1)[-1] for arn in child_targets(definition) if ":stateMachine:" in arn]
    return [child for child in names if child.startswith(f"{name}-")]


def _machine(aws: Aws, name: str) -> list[Resource]:
    sfn = aws.client("stepfunctions")
    arn = find_state_machine(aws, name)
    if arn is None:
        return []
    try:
        tags = {t["key"]: t["value"] for t in sfn.list_tags_for_resource(resourceArn=arn).get("tags", [])}
        role = sfn.describe_state_machine(stateMachineArn=arn).get("roleArn", "")
    except Exception as e:  # noqa: BLE001
        raise explain(e, f"reading the state machine {name}") from None
    ours = tags.get(TAG) == name or (not tags and role.endswith(f":role/{name}-pysfn-machine")
                                     and _role_is_ours(aws, name, f"{name}-pysfn-machine"))
    return [Resource("state machine", name, arn, ours, "" if ours else "not created by pysfn deploy (no pysfn:name tag)")]


def _function(aws: Aws, name: str) -> list[Resource]:
    lam = aws.client("lambda")
    function = f"{name}-dispatcher"
    try:
        config = lam.get_function(FunctionName=function)
    except Exception as e:  # noqa: BLE001
        if _code(e) == "ResourceNotFoundException":
            return []
        raise explain(e, f"reading the function {function}") from None
    tags = config.get("Tags") or {}
    description = config["Configuration"].get("Description", "")
    ours = tags.get(TAG) == name or (not tags and description == function_description(name))
    return [Resource("function", function, config["Configuration"]["FunctionArn"], ours,
                     "" if ours else "not created by pysfn deploy (no pysfn:name tag)")]


def _role_is_ours(aws: Aws, name: str, role: str) -> bool:
    found = _role(aws, name, role)
    return bool(found) and found[0].ours


def _role(aws: Aws, name: str, role: str) -> list[Resource]:
    iam = aws.client("iam")
    try:
        described = iam.get_role(RoleName=role)["Role"]
        tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=role).get("Tags", [])}
    except Exception as e:  # noqa: BLE001
        if _code(e) == "NoSuchEntity":
            return []
        raise explain(e, f"reading the role {role}") from None
    ours = tags.get(TAG) == name or (not tags and described.get("Description") == role_description(name))
    return [Resource("role", role, described["Arn"], ours, "" if ours else "not created by pysfn deploy (no pysfn:name tag)")]


def destroy(the_plan: Plan, *, region: str | None = None, endpoint_url: str | None = None, echo=lambda line: None) -> None:
    """Remove what ``the_plan`` lists under ``remove``, in order."""
    aws = Aws(region, endpoint_url)
    for resource in the_plan.remove:
        doing = f"deleting the {resource.kind} {resource.name}"
        try:
            if resource.kind == "state machine":
                aws.client("stepfunctions").delete_state_machine(stateMachineArn=resource.arn)
            elif resource.kind == "function":
                aws.client("lambda").delete_function(FunctionName=resource.name)
            else:
                iam = aws.client("iam")
                for policy in iam.list_role_policies(RoleName=resource.name).get("PolicyNames", []):
                    iam.delete_role_policy(RoleName=resource.name, PolicyName=policy)
                for attached in iam.list_attached_role_policies(RoleName=resource.name).get("AttachedPolicies", []):
                    iam.detach_role_policy(RoleName=resource.name, PolicyArn=attached["PolicyArn"])
                iam.delete_role(RoleName=resource.name)
        except Exception as e:  # noqa: BLE001
            raise explain(e, doing) from None
        echo(f"  {resource.kind} {resource.name}: deleted")
