"""AWS service calls made by the workflow itself: ``aws.<boto3 client>.<boto3 method>(**params)``.

    from pysfn import aws
    aws.dynamodb.put_item(TableName="orders", Item={"id": {"S": order_id}})
    aws.sqs.send_message(QueueUrl=url, MessageBody=text)
    try: ...
    except aws.dynamodb.ConditionalCheckFailedException: ...

Compiled, each call is a Task state with the service integration (the optimized one where Step
Functions has it, ``aws-sdk:SERVICE:action`` otherwise) and no Lambda in between. Natively (pytest,
a callee on Lambda) it is the same call made with boto3, and it returns what the Task returns:

* the response without boto3's ``ResponseMetadata`` (Step Functions' ``SdkHttpMetadata`` /
  ``SdkResponseMetadata`` are removed from the Task's result the same way);
* keys of the API's structures in PascalCase, as Step Functions names them even for services whose
  API is camelCase (map keys, e.g. DynamoDB attribute names, are data and stay as they are);
* timestamps as ISO 8601 strings, binary values as base64 text, streamed bodies as text.

A service error is raised as an exception whose class is looked up by the error code
(``aws.dynamodb.ConditionalCheckFailedException``) and carries Step Functions' error name
(``.error``: ``DynamoDB.ConditionalCheckFailedException`` for the optimized DynamoDB integration,
``DynamoDb.ConditionalCheckFailedException`` for ``aws-sdk:dynamodb``), so ``except`` means the same
natively and compiled.

boto3 is imported only when a call is made: this module is part of the dependency-free runtime
shipped in every Lambda package (the Lambda runtime has boto3).
"""

from __future__ import annotations

import base64
import datetime
import re
from typing import Any

__all__ = ["AwsServiceError", "OPTIMIZED", "call", "client_name", "error_class", "error_names", "pascal_service",
           "sfn_error_name"]

# boto3 (client, method) -> the optimized integration's resource suffix (arn:aws:states:::SUFFIX).
OPTIMIZED = {
    ("dynamodb", "get_item"): "dynamodb:getItem",
    ("dynamodb", "put_item"): "dynamodb:putItem",
    ("dynamodb", "delete_item"): "dynamodb:deleteItem",
    ("dynamodb", "update_item"): "dynamodb:updateItem",
    ("sqs", "send_message"): "sqs:sendMessage",
    ("sns", "publish"): "sns:publish",
    ("events", "put_events"): "events:putEvents",
    ("lambda", "invoke"): "lambda:invoke",
}
# Error-name prefixes of the optimized integrations (the aws-sdk ones derive from the service id).
_OPTIMIZED_PREFIX = {"dynamodb": "DynamoDB", "sqs": "SQS", "sns": "SNS", "events": "EventBridge",
                     "lambda": "Lambda"}


def client_name(attribute: str) -> str:
    """The boto3 client name an attribute of ``aws`` stands for: ``lambda_`` -> ``lambda``
    (a Python keyword), ``acm_pca`` -> ``acm-pca`` (a dash cannot be written)."""
    name = attribute[:-1] if attribute.endswith("_") else attribute
    return name.replace("_", "-")


def pascal_service(service_id: str) -> str:
    """The service as Step Functions names it in aws-sdk error names (the AWS SDK for Java's
    client name): ``DynamoDB`` -> ``DynamoDb``, ``ACM PCA`` -> ``AcmPca``, ``S3`` -> ``S3``."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", service_id)
    return "".join(w[0].upper() + w[1:].lower() for w in words)


def _with_suffix(code: str) -> str:
    return code if code.endswith("Exception") else code + "Exception"


def sfn_error_name(client: str, method: str, code: str, service_id: str) -> str:
    """The Error a Task reports when the call fails with the service error ``code``."""
    if (client, method) in OPTIMIZED:
        if client == "dynamodb":
            return f"DynamoDB.{code}"
        return f"{_OPTIMIZED_PREFIX[client]}.{_with_suffix(code)}"
    return f"{pascal_service(service_id)}.{_with_suffix(code)}"


def error_names(client: str, code: str, service_id: str) -> tuple[str, ...]:
    """Every Error name under which ``code`` of ``client`` can reach a Catch (optimized and aws-sdk
    integrations name it differently): what ``except aws.CLIENT.CODE`` compiles to."""
    names = {f"{pascal_service(service_id)}.{_with_suffix(code)}"}
    if client in _OPTIMIZED_PREFIX:
        names.add(f"DynamoDB.{code}" if client == "dynamodb" else f"{_OPTIMIZED_PREFIX[client]}.{_with_suffix(code)}")
    return tuple(sorted(names))


class AwsServiceError(Exception):
    """A service error of an ``aws.*`` call. ``error`` is Step Functions' name for it, ``code`` the
    service's error code, ``message`` its message; subclasses are made per (client, code)."""
    error = "States.TaskFailed"
    code = ""
    client = ""

    def __init__(self, message: str = "", error: str | None = None):
        super().__init__(message)
        self.message = message
        if error is not None:
            self.error = error


_classes: dict[tuple[str, str], type] = {}


def error_class(client: str, code: str) -> type:
    """The exception class of ``code`` errors of ``client`` (one class per pair, so ``except``
    written in the workflow and the error raised by a call meet)."""
    key = (client, code)
    if key not in _classes:
        _classes[key] = type(code, (AwsServiceError,), {"code": code, "client": client,
                                                         "__module__": __name__,
                                                         "__qualname__": f"aws.{client}.{code}"})
    return _classes[key]


# ---------------------------------------------------------------- the boto3 side

def _shape_result(value: Any, shape) -> Any:
    """A response value as Step Functions gives it (see the module docstring), guided by its shape."""
    if shape is None:
        return _plain(value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {name[:1].upper() + name[1:]: _shape_result(item, shape.members.get(name))
                for name, item in value.items() if name in shape.members}
    if kind == "list" and isinstance(value, list):
        return [_shape_result(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _shape_result(item, shape.value) for key, item in value.items()}
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "read") and callable(value.read):  # a StreamingBody (S3 GetObject's Body)
        return value.read().decode("utf-8", errors="replace")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _shape_request(value: Any, shape) -> Any:
    """Step Functions' PascalCase parameters -> boto3's member names (the inverse of _shape_result)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        by_pascal = {name[:1].upper() + name[1:]: name for name in shape.members}
        out = {}
        for key, item in value.items():
            member = key if key in shape.members else by_pascal.get(key, key)
            out[member] = _shape_request(item, shape.members.get(member))
        return out
    if kind == "list" and isinstance(value, list):
        return [_shape_request(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _shape_request(item, shape.value) for key, item in value.items()}
    return value


def call(client: str, method: str, params: dict, endpoint_url: str | None = None, region: str | None = None):
    """Make the call with boto3 and return what the machine's Task returns; service errors raise
    ``error_class(client, code)`` carrying Step Functions' error name."""
    import boto3
    from botocore.exceptions import ClientError
    kwargs = {}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    if region:
        kwargs["region_name"] = region
    api = boto3.client(client, **kwargs)
    model = api.meta.service_model
    operation_name = api.meta.method_to_api_mapping.get(method)
    if operation_name is None:  # the compiler checks names; a native caller may not have compiled
        raise AttributeError(f"boto3's {client} client has no method {method!r}")
    operation = model.operation_model(operation_name)
    try:
        response = getattr(api, method)(**_shape_request(params, operation.input_shape))
    except ClientError as e:
        error = e.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        cls = error_class(client, code)
        raise cls(str(error.get("Message") or ""), sfn_error_name(client, method, code, model.service_id)) from None
    response.pop("ResponseMetadata", None)
    return _shape_result(response, operation.output_shape)


class _Method:
    def __init__(self, client: str, method: str):
        self._client, self._method = client, method

    def __call__(self, *args, **params):
        if args:
            raise TypeError(f"aws.{self._client}.{self._method}() takes keyword arguments only "
                            "(boto3's parameter names)")
        return call(self._client, self._method, params)

    def __repr__(self) -> str:
        return f"<aws.{self._client}.{self._method}>"


class _Service:
    def __init__(self, client: str):
        self._client = client

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name[:1].isupper():  # an error code: aws.dynamodb.ConditionalCheckFailedException
            return error_class(self._client, name)
        return _Method(self._client, name)

    def __repr__(self) -> str:
        return f"<aws.{self._client}>"


def __getattr__(attribute: str):
    """``aws.dynamodb`` (module attribute access): the service namespace."""
    if attribute.startswith("__"):
        raise AttributeError(attribute)
    return _Service(client_name(attribute))
