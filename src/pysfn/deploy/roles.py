"""The roles pysfn creates, and the check that keeps it from adopting someone else's.

A role named ``NAME-pysfn-machine`` (or ``-lambda``) that already exists is reused only if it is
exactly what pysfn manages: the trust policy pysfn writes (this version's, or the earlier one
without conditions), no attached managed policies, and no inline policy but pysfn's own
(``pysfn``, rewritten on every deploy). Anything else (an admin policy attached, an extra
``Action: *`` inline policy, a trust policy naming ``{"AWS": "*"}``) is refused with what
differs; ``--role-arn`` / ``--lambda-role-arn`` use a role as it is, deliberately.

Trust policies carry the confused-deputy conditions AWS recommends: the service may assume the
role only on behalf of this account (``aws:SourceAccount``) and, for the state machine's role,
only for this state machine (``aws:SourceArn``).
"""

from __future__ import annotations

import json
import urllib.parse

INLINE_POLICY = "pysfn"


def trust_policy(service: str, account: str | None = None, source_arn: str | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    condition = {}
    if account is not None:
        condition["StringEquals"] = {"aws:SourceAccount": account}
    if source_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _canonical(document) -> str:
    """A policy document in a form where equal policies compare equal (order, one-item lists)."""
    if isinstance(document, str):
        try:
            document = json.loads(urllib.parse.unquote(document))
        except ValueError:
            return document

    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            items = [norm(v) for v in value]
            return items[0] if len(items) == 1 else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return value
    return json.dumps(norm(document), sort_keys=True)


def role_problems(iam, role: dict, accepted_trusts: list[dict]) -> list[str]:
    """How the existing ``role`` (``get_role()["Role"]``) differs from what pysfn manages."""
    problems = []
    if _canonical(role.get("AssumeRolePolicyDocument", "")) not in {_canonical(t) for t in accepted_trusts}:
        problems.append("its trust policy is not the one pysfn writes "
                        f"({_canonical(role.get('AssumeRolePolicyDocument', ''))})")
    name = role["RoleName"]
    attached = [p.get("PolicyArn") or p.get("PolicyName")
                for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
                for p in page["AttachedPolicies"]]
    if attached:
        problems.append(f"it has managed policies attached ({', '.join(attached)})")
    inline = [p for page in iam.get_paginator("list_role_policies").paginate(RoleName=name)
              for p in page["PolicyNames"] if p != INLINE_POLICY]
    if inline:
        problems.append(f"it has inline policies pysfn did not write ({', '.join(inline)})")
    if role.get("PermissionsBoundary"):
        problems.append("it has a permissions boundary")
    return problems
