"""str(exc) as CPython gives it for what the workflow raises: KeyError's repr, user classes with
their own __str__/__init__, the same message whether it fails the execution or is caught."""
import pysfn as PSF


class Missing(KeyError):
    pass


class Loud(Exception):
    def __str__(self):
        return "LOUD: " + str(self.args[0] if self.args else "").upper()


class Coded(ValueError):
    def __init__(self, code=0):
        super().__init__(f"code {code}")


def lookup(d, k):
    return d[k]


@PSF.main
def raise_messages(which, key="x", d={}):
    if which == "const":
        raise KeyError("x")
    if which == "var":
        raise KeyError(key)
    if which == "number":
        raise KeyError(5)
    if which == "empty":
        raise KeyError()
    if which == "sub":
        raise Missing(key)
    if which == "loud":
        raise Loud(key)
    if which == "coded":
        raise Coded(len(key))
    if which == "coded0":
        raise Coded()
    if which == "caught":
        try:
            raise KeyError(key)
        except KeyError as e:
            return {"caught": str(e)}
    if which == "caught_callee":
        try:
            lookup(d, key)
        except KeyError as e:
            return {"callee": str(e)}
    raise ValueError(key)


CASES = [
    {"which": "const"}, {"which": "var", "key": "it's"}, {"which": "var", "key": "Straße"},
    {"which": "var", "key": "👍"}, {"which": "var", "key": ""}, {"which": "var", "key": 'a"b\'c\n'},
    {"which": "number"}, {"which": "empty"}, {"which": "sub", "key": "k"}, {"which": "loud", "key": "Straße"},
    {"which": "coded", "key": "abc"}, {"which": "coded0"}, {"which": "caught", "key": "q"},
    {"which": "caught_callee", "key": "zz"}, {"which": "other", "key": "plain"},
]
