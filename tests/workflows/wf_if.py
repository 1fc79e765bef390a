"""if/elif/else chains, if without else, nested ifs, code after an if."""
import pysfn as PSF


def label(kind):
    return f"<{kind}>"


@PSF.main
def branches(n, flag=False):
    if n < 0:
        kind = label("negative")
    elif n == 0:
        kind = label("zero")
    elif n < 10:
        if flag:
            kind = label("small-flagged")
        else:
            kind = label("small")
    else:
        kind = label("large")
    note = "none"
    if flag:
        note = label("flag")
    if n == 42:
        return "the answer"
    return {"kind": kind, "note": note}


CASES = [{"n": -5}, {"n": 0}, {"n": 3}, {"n": 3, "flag": True}, {"n": 99}, {"n": 42}, {"n": 42, "flag": True}]
