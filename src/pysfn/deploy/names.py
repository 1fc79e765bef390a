"""``--name`` against AWS's own rules, before any AWS call.

Every resource is named after ``--name``: the roles ``NAME-pysfn-lambda`` / ``NAME-pysfn-machine``
(IAM RoleName), the function ``NAME-dispatcher`` (Lambda FunctionName) and the state machine
``NAME``. A name is accepted only if every derived name passes the pattern and length the
services' API models state (botocore's service models, read at run time) plus the documented
rules the models leave out (a Lambda function name is at most 64 characters; a state machine
name has no whitespace, brackets, wildcards or special characters, and pysfn keeps it ASCII,
which CloudWatch needs). Otherwise deploy would create the first resources and fail half-way.
"""

from __future__ import annotations

import re

from pysfn.deploy.aws import AwsError

FUNCTION_NAME_MAX = 64  # Lambda: "function name ... 64 characters" (the model's 140 counts an ARN)
_STATE_MACHINE = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)


def derived_names(name: str) -> dict[str, tuple[str, str, str]]:
    """What each AWS resource of ``name`` is called: label -> (service, operation, member), name."""
    return {f"{name}-pysfn-lambda": ("iam", "CreateRole", "RoleName"),
            f"{name}-pysfn-machine": ("iam", "CreateRole", "RoleName"),
            f"{name}-dispatcher": ("lambda", "CreateFunction", "FunctionName"),
            name: ("stepfunctions", "CreateStateMachine", "name")}


def _model_rule(service: str, operation: str, member: str) -> dict:
    try:
        import botocore.session
        shape = botocore.session.get_session().get_service_model(service).operation_model(operation) \
            .input_shape.members[member]
        return dict(shape.metadata)
    except Exception:  # noqa: BLE001 -- a botocore without the model: the documented rules below still apply
        return {}


def check_name(name: str) -> None:
    """AwsError naming the first rule ``name`` (or a name derived from it) breaks."""
    if not name or not _STATE_MACHINE.fullmatch(name):
        raise AwsError(f"--name {name!r}: use ASCII letters, digits, '-' and '_' only (AWS refuses or mangles "
                       "other characters in role, function and state machine names)")
    rules = {derived: (service, operation, member, _model_rule(service, operation, member))
             for derived, (service, operation, member) in derived_names(name).items()}

    def high(service, rule):
        return FUNCTION_NAME_MAX if service == "lambda" else rule.get("max")
    allowed = min((high(svc, rule) or 80) - (len(derived) - len(name))
                  for derived, (svc, _, _, rule) in rules.items())
    for derived, (service, operation, member, rule) in rules.items():
        limit = high(service, rule)
        if limit is not None and len(derived) > limit:
            kind = {"iam": "the role name", "lambda": "the function name"}.get(service, "the state machine name")
            raise AwsError(f"--name {name!r} is {len(name)} characters: {kind} '{derived}' would be "
                           f"{len(derived)}, and AWS accepts at most {limit}; use at most {allowed} characters")
        pattern = rule.get("pattern")
        if pattern and not re.fullmatch(pattern, derived, re.ASCII):
            raise AwsError(f"--name {name!r}: the {member} '{derived}' does not match AWS's pattern {pattern}")
