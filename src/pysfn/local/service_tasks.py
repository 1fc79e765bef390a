"""Service-integration Tasks in pysfn.local: the call made with boto3, as Step Functions makes it.

``arn:aws:states:::dynamodb:putItem`` (an optimized integration) and
``arn:aws:states:::aws-sdk:SERVICE:action`` (any SDK call) run through ``pysfn.aws.call``, the same
function the workflow's ``aws.*`` calls use natively, so both modes agree by construction on
the result's shape (PascalCase, no response metadata) and the error names. boto3 finds its
endpoint the usual way: ``AWS_ENDPOINT_URL`` (moto_server, LocalStack) or the real AWS, and moto's
``mock_aws`` in-process; ``run_definition(..., aws_endpoint_url=...)`` and ``pysfn run
--aws-endpoint-url`` set it for one run. Only the request-response pattern runs here (no
``.sync``, no ``.waitForTaskToken``); child workflows, ``states:startExecution.sync:2``, run as
nested executions (``children.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import StatesError

STATES = "arn:aws:states:::"
_OPTIMIZED = re.compile(r"arn:aws:states:::(dynamodb|sqs|sns|events):([A-Za-z]+)$")
_SDK = re.compile(r"arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$")


def is_service_resource(resource) -> bool:
    return isinstance(resource, str) and bool(_OPTIMIZED.match(resource) or _SDK.match(resource))


@lru_cache(maxsize=1)
def _clients_by_sdk_name() -> dict[str, str]:
    """Step Functions' aws-sdk service names (``sfn``, ``eventbridge``) -> boto3 client names."""
    import botocore.session
    session = botocore.session.get_session()
    names = {}
    for client in session.get_available_services():
        names.setdefault(session.get_service_model(client).service_id.replace(" ", "").lower(), client)
    return names


def target(resource: str) -> tuple[str, str]:
    """(boto3 client, boto3 method) for a service resource; ValueError if it names none."""
    from botocore import xform_name
    m = _OPTIMIZED.match(resource)
    if m:
        return m.group(1), xform_name(m.group(2))
    m = _SDK.match(resource)
    client = _clients_by_sdk_name().get(m.group(1)) if m else None
    if client is None:
        raise ValueError(f"no AWS service is named {resource!r}")
    return client, xform_name(m.group(2))


def run_service_task(resource: str, arguments, region: str | None, endpoint_url: str | None):
    """The Task's result; a service error raises StatesError(error name, cause)."""
    from pysfn import aws
    client, method = target(resource)
    if not isinstance(arguments, dict):
        raise StatesError("States.Runtime", f"the Arguments of {resource} must be an object")
    try:
        return aws.call(client, method, arguments, endpoint_url=endpoint_url, region=region)
    except aws.AwsServiceError as e:
        raise StatesError(e.error, e.message) from None
    except AttributeError as e:
        raise StatesError("States.Runtime", str(e)) from None
