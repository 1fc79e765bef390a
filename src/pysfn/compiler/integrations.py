"""``aws.<client>.<method>(**params)`` in the entry: a Task with a service integration.

The call is checked at compile time against botocore's service models (the same models boto3
uses natively): the client name, the method, every parameter name and the required ones, each
with a "did you mean". It becomes an ``ir.CalleeCall`` whose ``service`` says which integration
to use: the optimized one where Step Functions has it (``arn:aws:states:::dynamodb:putItem``),
``arn:aws:states:::aws-sdk:SERVICE:action`` otherwise, with SERVICE as Step Functions names it
(the service id, lower case, without spaces: ``sfn``, ``eventbridge``, ``cloudwatchlogs``) and
the action camelCase. The arguments keep boto3's names, which are the API's member names; Step
Functions wants them PascalCase, so a camelCase member (API Gateway's ``restApiId``) gets its
first letter raised.

``except aws.<client>.<ErrorCode>`` catches that error under every name an integration gives it
(``pysfn.aws.error_names``).
"""

from __future__ import annotations

import ast
import difflib
from functools import lru_cache

from pysfn import aws as runtime_aws
from pysfn.compiler import ir

STATES = "arn:aws:states:::"


@lru_cache(maxsize=1)
def _session():
    import botocore.session
    return botocore.session.get_session()


@lru_cache(maxsize=1)
def available_clients() -> tuple[str, ...]:
    return tuple(_session().get_available_services())


@lru_cache(maxsize=None)
def service_model(client: str):
    return _session().get_service_model(client)


@lru_cache(maxsize=None)
def methods(client: str) -> dict[str, str]:
    """boto3 method name -> API operation name."""
    from botocore import xform_name
    return {xform_name(op): op for op in service_model(client).operation_names}


def sdk_service_name(client: str) -> str:
    """The SERVICE of ``aws-sdk:SERVICE:action`` for a boto3 client."""
    return service_model(client).service_id.replace(" ", "").lower()


def iam_prefix(client: str) -> str:
    """The IAM action prefix of a service (``dynamodb``, ``states``, ``logs``)."""
    model = service_model(client)
    return model.signing_name or model.endpoint_prefix


def is_aws_namespace(info, node: ast.expr) -> bool:
    """``aws`` (``from pysfn import aws``) or ``PSF.aws``."""
    if isinstance(node, ast.Name):
        return info.psf_names.get(node.id) == "aws"
    return info.psf_attr(node) == "aws"


def aws_attribute(info, node: ast.expr) -> tuple[str, str] | None:
    """For ``aws.CLIENT.NAME`` (the node of the whole attribute): (client attribute, NAME)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
            and is_aws_namespace(info, node.value.value):
        return node.value.attr, node.attr
    return None


def _suggest(word: str, candidates) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def check_client(rep, node: ast.expr, attribute: str) -> str:
    client = runtime_aws.client_name(attribute)
    if client not in available_clients():
        python_names = [c.replace("-", "_") + ("_" if c == "lambda" else "") for c in available_clients()]
        hint = _suggest(attribute, python_names) or "use a boto3 client name: aws.dynamodb, aws.sqs, aws.s3, ..."
        raise rep.error(node, f"'{attribute}' is not an AWS service boto3 knows", hint)
    return client


def service_call(fc, node: ast.Call) -> ir.CalleeCall | None:
    """The IR of ``aws.CLIENT.METHOD(**params)``, checked; None if ``node`` is not such a call."""
    rep = fc.rep
    found = aws_attribute(fc.info, node.func)
    if found is None:
        if isinstance(node.func, ast.Attribute) and is_aws_namespace(fc.info, node.func.value):
            raise rep.error(node, f"'{ast.unparse(node.func)}(...)' names a service but no operation",
                            f"aws.{node.func.attr}.<boto3 method>(...), e.g. aws.dynamodb.put_item(...)")
        return None
    attribute, method = found
    client = check_client(rep, node.func.value, attribute)
    known = methods(client)
    if method not in known:
        hint = _suggest(method, known) or f"see boto3's {client} client for its methods"
        raise rep.error(node.func, f"boto3's {client} client has no method '{method}'", hint)
    if node.args:
        raise rep.error(node.args[0], f"aws.{attribute}.{method}() takes keyword arguments only",
                        "pass boto3's parameter names: aws.dynamodb.put_item(TableName=..., Item=...)")
    operation = service_model(client).operation_model(known[method])
    members = operation.input_shape.members if operation.input_shape is not None else {}
    given = []
    for keyword in node.keywords:
        if keyword.arg is None:
            raise rep.error(keyword.value, "**params in a service call is not supported",
                            "pass each parameter by name")
        if keyword.arg not in members:
            hint = _suggest(keyword.arg, members) or f"its parameters are: {', '.join(members) or 'none'}"
            raise rep.error(keyword, f"{client}.{method}() has no parameter '{keyword.arg}'", hint)
        given.append(keyword.arg)
    required = operation.input_shape.required_members if operation.input_shape is not None else []
    missing = [name for name in required if name not in given]
    if missing:
        raise rep.error(node, f"{client}.{method}() is missing required parameters: {', '.join(missing)}",
                        f"aws.{attribute}.{method}({', '.join(f'{m}=...' for m in missing)})")
    suffix = runtime_aws.OPTIMIZED.get((client, method))
    resource = STATES + (suffix or f"aws-sdk:{sdk_service_name(client)}:{known[method][:1].lower()}{known[method][1:]}")
    target = ir.ServiceTarget(client, method, resource, f"{iam_prefix(client)}:{known[method]}",
                              optimized=suffix is not None,
                              result_floats=None if suffix else float_positions(operation.output_shape))
    kwargs = tuple((name[:1].upper() + name[1:], fc.expr(k.value)) for name, k in zip(given, node.keywords))
    return ir.CalleeCall(f"aws.{client}.{method}", (), kwargs, (), fc.loc(node), service=target)


def float_positions(shape, within: tuple[str, ...] = ()) -> tuple | None:
    """The members of a response that boto3 gives as floats (botocore's ``double``/``float``), as a
    contract spec (``("float",)``, ``("list", ...)``, ``("dict", ...)``, ``("typeddict", ...)``),
    keyed as the Task returns them (PascalCase); None where the response holds no float.

    A recursive shape is followed once: floats below its second occurrence are not marked
    (future-work.md; no service pysfn's tests call has one)."""
    if shape is None or shape.name in within:
        return None
    kind, inside = shape.type_name, within + (shape.name,)
    if kind in ("double", "float"):
        return ("float",)
    if kind == "list":
        inner = float_positions(shape.member, inside)
        return ("list", inner) if inner else None
    if kind == "map":
        inner = float_positions(shape.value, inside)
        return ("dict", inner) if inner else None
    if kind == "structure":
        fields = tuple((name[:1].upper() + name[1:], spec, False) for name, member in shape.members.items()
                       if (spec := float_positions(member, inside)) is not None)
        return ("typeddict", shape.name, fields) if fields else None
    return None


def service_error_names(fc, elt: ast.expr) -> tuple[str, ...] | None:
    """For ``except aws.CLIENT.ErrorCode``: the error names that clause catches; None otherwise."""
    found = aws_attribute(fc.info, elt)
    if found is None:
        if isinstance(elt, ast.Attribute) and is_aws_namespace(fc.info, elt.value):
            raise fc.rep.error(elt, f"'{ast.unparse(elt)}' is a service, not one of its errors",
                               f"except aws.{elt.attr}.<ErrorCode> (e.g. ResourceNotFoundException)")
        return None
    attribute, code = found
    client = check_client(fc.rep, elt.value, attribute)
    if not code[:1].isupper():
        raise fc.rep.error(elt, f"'{ast.unparse(elt)}' is a method, not an error",
                           "name the error code: except aws.dynamodb.ConditionalCheckFailedException")
    modelled = {shape.name for shape in service_model(client).error_shapes}
    if code not in modelled:
        close = _suggest(code, modelled)
        if close:
            raise fc.rep.error(elt, f"{client} has no error '{code}' in its service model", close)
        fc.rep.warn(elt, f"{client} has no error '{code}' in its service model",
                    "the except clause still catches an error of that code if the service sends one")
    return runtime_aws.error_names(client, code, service_model(client).service_id)
