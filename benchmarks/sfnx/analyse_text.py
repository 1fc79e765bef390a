"""examples/analyse_text.py in sfnx's language."""
import json
from typing import TypedDict

from sfnx import aws, parallel, state_machine

VOWELS = "aeiou"


class Input(TypedDict):
    text: str
    style: str


class Summary(TypedDict):
    first_letter: str
    words: int
    text: str


class MalformedTextError(Exception):
    pass


class TransientServiceError(Exception):
    pass


class MalformedText(Exception):
    error = "MalformedText"


class UnsupportedText(Exception):
    error = "UnsupportedText"


@state_machine
def summarise(input: Input):
    style: str = input.get("style", "long")
    try:
        summary: Summary = aws.optimized.lambda_.invoke(FunctionName="get_summary",
                                                        Payload={"text": input["text"]})["Payload"]
    except MalformedTextError as err:
        raise MalformedText(json.loads(err["Cause"])["errorMessage"])
    first: str = summary["first_letter"]
    if first == "a" or first == "b":
        rich: Summary = aws.optimized.lambda_.invoke(
            FunctionName="augment", Payload={"summary": summary},
            retry=[{"ErrorEquals": [TransientServiceError], "IntervalSeconds": 1, "MaxAttempts": 3,
                    "BackoffRate": 2.0}])["Payload"]

        def vowels():
            return aws.optimized.lambda_.invoke(FunctionName="count_letters",
                                                Payload={"text": rich["text"], "letters": VOWELS})["Payload"]

        def spaces():
            return aws.optimized.lambda_.invoke(FunctionName="count_spaces", Payload={"text": rich["text"]})["Payload"]

        counts = parallel(vowels, spaces)
        line = aws.optimized.lambda_.invoke(FunctionName="format_result", Payload={
            "summary": rich, "vowels": counts[0], "spaces": counts[1]})["Payload"]
        return {"summary": line, "style": style, "words": summary["words"]}
    elif first == "c":
        return {"summary": summary["text"], "style": "short"}
    else:
        raise UnsupportedText("only texts starting with a, b or c are analysed")
