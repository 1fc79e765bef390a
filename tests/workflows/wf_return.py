"""return of a variable, literal, subscript, dict/list built from them; bare return; fall-through."""
import pysfn as PSF


def fetch(key):
    return {"key": key, "values": [1, 2.5, "three", None, True], "nested": {"deep": [[0]]}}


def touch(key):
    return None


@PSF.main
def returning(key, how):
    data = fetch(key)
    if how == "var":
        return data
    if how == "literal":
        return [1, "two", 3.0, None, False, {"k": []}]
    if how == "subscript":
        return data["values"][1]
    if how == "built":
        return {"k": key, "pair": [data["nested"]["deep"], data["values"][-1]], "const": {"x": 1}}
    if how == "bare":
        return
    if how == "call":
        return fetch(how)
    touch(key)


CASES = [{"key": "a", "how": h} for h in ["var", "literal", "subscript", "built", "bare", "call", "none"]]
