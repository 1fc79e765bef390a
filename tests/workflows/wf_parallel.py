"""PSF.parallel of nested zero-argument defs that read enclosing variables."""
import pysfn as PSF


def square(x):
    return x * x


def halve(x):
    if x == 0:
        raise ZeroDivisionError("cannot halve nothing here")
    return x // 2


def describe(parts):
    return " + ".join(str(p) for p in parts)


@PSF.main
def fan(x, label="sum"):
    def squared():
        result = square(x)          # a branch-local name ...
        return result

    def halved():
        result = halve(x)           # ... the same name in another branch
        return {"half": result, "label": label}

    def constant():
        return [label, x]

    result = "outer"                # and in the enclosing function: no shadowing in ASL
    both = PSF.parallel(squared, halved, constant)
    sq, half, const = PSF.parallel(squared, halved, constant)
    try:
        PSF.parallel(halved)
        text = describe([sq, half["half"]])
    except ZeroDivisionError as err:
        text = str(err)
    return {"both": both, "sq": sq, "half": half, "const": const, "text": text, "result": result}


CASES = [{"x": 4}, {"x": 3, "label": "odd"}]
