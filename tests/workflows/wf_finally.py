"""try/except/else/finally and bare raise: finally on every path (normal, return, break, error)."""
import pysfn as PSF


class Problem(Exception):
    pass


def step(kind):
    if kind == "problem":
        raise Problem("a problem")
    if kind == "value":
        raise ValueError("bad value")
    return f"ok:{kind}"


def cleanup(log):
    return log + ["cleaned"]


@PSF.main
def finally_paths(kind="fine", mode="normal"):
    log = []
    try:
        r = step(kind)
        log.append(r)
        if mode == "return":
            return {"returned": log}
    except Problem as e:
        log.append("caught " + str(e))
        if mode == "reraise":
            raise
    else:
        log.append("else")
        if mode == "raise-in-else":
            raise Problem("from else")
    finally:
        log = cleanup(log)
    for i in range(3):
        try:
            if i == 1 and mode == "break":
                break
            if i == 0 and mode == "continue":
                continue
            log.append(i)
        finally:
            log.append("loop-finally")
    try:
        try:
            step(kind)
        finally:
            log.append("inner")
    except ValueError as e:
        log.append(f"outer caught {e}")
    while True:
        try:
            step("problem")
        finally:
            break
    try:
        if mode == "finally-return":
            step("value")
    finally:
        if mode == "finally-return":
            return {"overridden": log}
    try:
        step(kind)
    except Exception:
        if mode == "bare":
            raise
    return log


CASES = [
    {},
    {"kind": "problem"},
    {"kind": "value"},
    {"mode": "return"},
    {"kind": "problem", "mode": "reraise"},
    {"mode": "raise-in-else"},
    {"mode": "break"},
    {"mode": "continue"},
    {"mode": "finally-return"},
    {"kind": "value", "mode": "bare"},
]
