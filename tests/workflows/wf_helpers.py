"""A local module: its functions are callees too, and its exceptions are known."""


class HelperError(LookupError):
    pass


def shout(text):
    return text.upper() + "!"


def lookup(table, key):
    if key not in table:
        raise HelperError(f"no {key}")
    return table[key]
