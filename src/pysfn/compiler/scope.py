"""Scopes: Python names -> Step Functions variable names.

Python locals become ASL variables, but ASL and JSONata constrain the names:
``states`` is reserved; a variable named like a JSONata function (``count``,
``string``, ...) would shadow that function inside every expression of the machine;
names must be ASCII identifiers of at most 80 characters; and a variable of a Parallel
branch must not shadow a variable of an enclosing scope. A ``Scope`` maps each Python
name to a distinct ASL name that respects all of that; the names taken are shared by all
scopes of one workflow, so no two scopes ever pick the same name.
"""

from __future__ import annotations

import re

# JSONata 2.0 built-ins and the Step Functions additions: a variable with one of these
# names would hide the function from the expressions the compiler generates.
JSONATA_FUNCTIONS = frozenset("""
sum count max min average string substring substringBefore substringAfter lowercase
uppercase length trim pad contains split join match replace now millis fromMillis toMillis
formatNumber formatBase formatInteger parseInteger number abs floor ceil round power sqrt
random boolean not exists each error assert type lookup append sort reverse shuffle distinct
zip keys values spread merge sift filter map reduce single encodeUrl encodeUrlComponent
decodeUrl decodeUrlComponent base64encode base64decode eval clone
partition range hash uuid parse
""".split())

RESERVED = frozenset({"states"}) | JSONATA_FUNCTIONS
# Prefix of the JSONata block-local names the compiler itself uses in expressions.
TEMP_PREFIX = "pysfn__"
_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_NAME = 80


def _sanitise(name: str) -> str:
    if not _SAFE.fullmatch(name):
        name = "v_" + "".join(c if c.isascii() and (c.isalnum() or c == "_") else f"x{ord(c):x}" for c in name)
    if name in RESERVED or name.startswith(TEMP_PREFIX):
        name = name + "_"
    return name[:MAX_NAME - 4]


class Scope:
    """One function's variables (the entry, or a Parallel branch's nested def)."""

    def __init__(self, taken: set[str], parent: "Scope | None" = None, prefix: str = ""):
        self.vars: dict[str, str] = {}
        self.parent = parent
        self.prefix = prefix
        self._taken = taken

    def declare(self, py_name: str) -> str:
        if py_name in self.vars:
            return self.vars[py_name]
        base = _sanitise(py_name)
        candidate = base
        if candidate in self._taken and self.prefix:
            candidate = _sanitise(f"{self.prefix}_{py_name}")
        n = 2
        while candidate in self._taken:
            candidate = f"{base}_{n}"
            n += 1
        self._taken.add(candidate)
        self.vars[py_name] = candidate
        return candidate

    def hidden(self, kind: str) -> str:
        """A variable of the compiler's own (a loop's index, a pending return value...).

        Its name starts with the prefix no user variable gets, so it never clashes."""
        n = 1
        while f"{TEMP_PREFIX}v_{kind}{n}" in self._taken:
            n += 1
        name = f"{TEMP_PREFIX}v_{kind}{n}"
        self._taken.add(name)
        return name

    def alias(self, py_name: str, var: str) -> None:
        """Let ``py_name`` read the (hidden) variable ``var`` (code rewritten by the compiler)."""
        self.vars[py_name] = var

    def lookup(self, py_name: str) -> str | None:
        if py_name in self.vars:
            return self.vars[py_name]
        return self.parent.lookup(py_name) if self.parent else None

    def child(self, prefix: str) -> "Scope":
        return Scope(self._taken, self, prefix)
