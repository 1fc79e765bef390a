"""try/except around blocks: classes, tuples, `as e`, subclass closure, nesting, catch-all."""
import pysfn as PSF


class AppError(Exception):
    pass


class NotFound(AppError):
    pass


class Gone(NotFound):
    pass


class Unrelated(Exception):
    pass


def act(kind, step="one"):
    if kind == "value":
        raise ValueError(f"bad value at {step}")
    if kind == "unicode":
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    if kind == "gone":
        raise Gone(f"gone at {step}")
    if kind == "notfound":
        raise NotFound("nothing here")
    if kind == "key":
        raise KeyError("missing")
    if kind == "unrelated":
        raise Unrelated("not caught")
    if kind == "fail":
        raise PSF.Fail("CustomFailure", "failed on purpose")
    return f"ok:{kind}:{step}"


def recover(what):
    return f"recovered:{what}"


@PSF.main
def trying(first, second="none", third="none"):
    try:
        a = act(first)
        b = act(second, step="two")
    except ValueError as err:             # ValueError and subclasses (UnicodeDecodeError...)
        return {"handler": "value", "message": str(err)}
    except (NotFound, KeyError):          # NotFound and its subclass Gone
        a = recover("lookup")
        b = "lookup"
    try:
        try:
            c = act(third, step="inner")
        except AppError:
            c = recover("inner")
    except Exception as outer:
        c = recover("outer")
        return {"handler": "outer", "message": str(outer), "a": a}
    return {"a": a, "b": b, "c": c}


CASES = [
    {"first": "x"},
    {"first": "value"},
    {"first": "unicode"},
    {"first": "x", "second": "value"},
    {"first": "gone"},
    {"first": "notfound"},
    {"first": "key"},
    {"first": "x", "second": "gone"},
    {"first": "x", "second": "unrelated"},   # not caught by the first try: fails
    {"first": "x", "third": "gone"},         # inner handler (AppError closure)
    {"first": "x", "third": "unrelated"},    # outer catch-all
    {"first": "x", "third": "fail"},         # PSF.Fail from a callee, caught by `except Exception`
    {"first": "unrelated"},                  # not caught: fails with Unrelated
    {"first": "fail"},                       # PSF.Fail in a callee: its error name
]
