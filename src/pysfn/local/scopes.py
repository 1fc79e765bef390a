"""Variable scopes (``Assign``), as Step Functions nests them.

The execution's top level is one scope. Each Parallel branch and each Map iteration runs in an
inner scope: it reads the variables of the scopes around it, its own assignments stay inside and
vanish when it ends, and it may not assign a name that an outer scope holds (AWS rejects such a
definition; here the state fails with ``States.Runtime``, so an outer variable is never written
from inside). A DISTRIBUTED Map's iterations get a scope with no outer scope at all. A Catch on
the Parallel/Map itself runs in the Parallel/Map's scope, so it assigns outer variables.
"""

from __future__ import annotations

from typing import Any

from .errors import DATA_LIMIT_EXCEEDED, RUNTIME, StatesError
from .limits import EXECUTION_VARIABLES_LIMIT, VARIABLE_LIMIT, text_size


class Scope:
    __slots__ = ("variables", "sizes", "parent", "usage")

    def __init__(self, parent: "Scope | None" = None, usage: list[int] | None = None):
        self.variables: dict[str, Any] = {}
        self.sizes: dict[str, int] = {}
        self.parent = parent
        # bytes held by all variables of the execution: one counter shared by nested scopes
        self.usage = usage if usage is not None else (parent.usage if parent is not None else [0])

    def inner(self) -> "Scope":
        """The scope of a Parallel branch or an INLINE Map iteration."""
        return Scope(self)

    def isolated(self) -> "Scope":
        """The scope of a DISTRIBUTED Map iteration: no outer variables."""
        return Scope(None, self.usage)

    def lookup(self, name: str) -> Any:
        """The value of ``name``, searching outwards; ``KeyError`` when no scope holds it."""
        scope = self
        while scope is not None:
            variables = scope.variables
            if name in variables:
                return variables[name]
            scope = scope.parent
        raise KeyError(name)

    def _outer_holds(self, name: str) -> bool:
        scope = self.parent
        while scope is not None:
            if name in scope.variables:
                return True
            scope = scope.parent
        return False

    def assign(self, values: dict[str, Any], texts: dict[str, str], state_name: str) -> None:
        """Store the values of one ``Assign`` (all evaluated before any is stored); ``texts`` holds
        their JSON, for the size limits."""
        total = 0
        sizes = {}
        for name, value in values.items():
            if self.parent is not None and self._outer_holds(name):
                raise StatesError(RUNTIME, f"The state '{state_name}' assigns the variable '{name}' of an "
                                           f"outer scope: a Parallel branch or Map iteration cannot assign "
                                           f"outer variables (return the value through its output instead).")
            size = sizes[name] = text_size(texts[name])
            if size > VARIABLE_LIMIT:
                raise StatesError(DATA_LIMIT_EXCEEDED, f"The state '{state_name}' assigns the variable '{name}' "
                                                       f"a value of {size} bytes (limit: {VARIABLE_LIMIT}).")
            total += size
        if total > VARIABLE_LIMIT:
            raise StatesError(DATA_LIMIT_EXCEEDED, f"The Assign of the state '{state_name}' is {total} bytes "
                                                   f"(limit: {VARIABLE_LIMIT}).")
        usage = self.usage[0] + total - sum(self.sizes.get(name, 0) for name in values)
        if usage > EXECUTION_VARIABLES_LIMIT:
            raise StatesError(DATA_LIMIT_EXCEEDED, f"The state '{state_name}' brings the variables of the "
                                                   f"execution to {usage} bytes (limit: {EXECUTION_VARIABLES_LIMIT}).")
        self.usage[0] = usage
        self.variables.update(values)
        self.sizes.update(sizes)

    def release(self) -> None:
        """The scope ends (branch or iteration done): its variables no longer count."""
        self.usage[0] -= sum(self.sizes.values())
