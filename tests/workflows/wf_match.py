"""match on literal patterns: values, None/True/False (identity), alternatives, captures, guards, _."""
import pysfn as PSF


def describe(x):
    return f"described {x!r}"


@PSF.main
def matching(command, flag=None):
    match command:
        case "start" | "go":
            result = "starting"
        case "stop":
            result = describe("stop")
        case 0:
            result = "zero"
        case True:
            result = "true itself"
        case None:
            result = "nothing"
        case _ if flag:
            result = "flagged"
        case other:
            result = ["other", other]
    match describe(flag):
        case "described None":
            second = "no flag"
        case _:
            second = "a flag"
    return {"result": result, "second": second}


CASES = [
    {"command": "start"}, {"command": "go"}, {"command": "stop"}, {"command": 0}, {"command": 0.0},
    {"command": False}, {"command": True}, {"command": 1}, {"command": None}, {"command": "x", "flag": 1},
    {"command": [1]}, {"command": {"a": 1}},
]
