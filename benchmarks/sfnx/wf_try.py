"""tests/workflows/wf_try.py in sfnx's language (exception classes name the Lambda's errors;
a subclass is caught by listing it, as pysfn's closure does)."""
import json
from typing import TypedDict

from sfnx import aws, state_machine


class Input(TypedDict):
    first: str
    second: str
    third: str


class ValueError_(Exception):
    error = "ValueError"


class UnicodeDecodeError_(Exception):
    error = "UnicodeDecodeError"


class UnicodeError_(Exception):
    error = "UnicodeError"


class UnicodeEncodeError_(Exception):
    error = "UnicodeEncodeError"


class UnicodeTranslateError_(Exception):
    error = "UnicodeTranslateError"


class NotFound(Exception):
    pass


class Gone(Exception):
    pass


class KeyError_(Exception):
    error = "KeyError"


class AppError(Exception):
    pass


@state_machine
def trying(input: Input):
    first: str = input["first"]
    second: str = input.get("second", "none")
    third: str = input.get("third", "none")
    try:
        a = aws.optimized.lambda_.invoke(FunctionName="act", Payload={"kind": first})["Payload"]
        b = aws.optimized.lambda_.invoke(FunctionName="act", Payload={"kind": second, "step": "two"})["Payload"]
    except (ValueError_, UnicodeDecodeError_, UnicodeError_, UnicodeEncodeError_, UnicodeTranslateError_) as err:
        return {"handler": "value", "message": json.loads(err["Cause"])["errorMessage"]}
    except (NotFound, Gone, KeyError_):
        a = aws.optimized.lambda_.invoke(FunctionName="recover", Payload={"what": "lookup"})["Payload"]
        b = "lookup"
    try:
        try:
            c = aws.optimized.lambda_.invoke(FunctionName="act", Payload={"kind": third, "step": "inner"})["Payload"]
        except (AppError, NotFound, Gone):
            c = aws.optimized.lambda_.invoke(FunctionName="recover", Payload={"what": "inner"})["Payload"]
    except Exception as outer:
        c = aws.optimized.lambda_.invoke(FunctionName="recover", Payload={"what": "outer"})["Payload"]
        return {"handler": "outer", "message": json.loads(outer["Cause"])["errorMessage"], "a": a}
    return {"a": a, "b": b, "c": c}
