"""Exception classes as ASL error names.

ASL matches error names exactly, with no class hierarchy, while Python's ``except E``
catches E and every subclass. So an ``except E`` becomes a ``Catch`` whose
``ErrorEquals`` lists E and every known subclass: the builtin ones (read off this very
interpreter) and the classes defined in the workflow module and its local modules.
A Lambda reports an exception by its unqualified class name, so names are all we need.
"""

from __future__ import annotations

import builtins

# Catching these means "anything a callee may raise", including classes the compiler
# cannot see (a library's exceptions): that is ASL's States.ALL.
CATCH_ALL = frozenset({"Exception", "BaseException"})

BUILTIN_EXCEPTIONS: dict[str, type] = {
    name: obj for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
}


class ExceptionHierarchy:
    """Builtin exception classes plus user classes declared as ``class X(Base): ...``."""

    def __init__(self) -> None:
        self._user_bases: dict[str, list[str]] = {}
        self._custom: set[str] = set()  # user classes whose body defines something (__str__, __init__...)

    def add_user_class(self, name: str, bases: list[str], custom: bool = False) -> None:
        self._user_bases[name] = bases
        if custom:
            self._custom.add(name)

    def message_of(self, name: str) -> str:
        """How ``str(name(arg))`` relates to ``arg`` in CPython: ``"str"`` (``str(arg)``: most
        classes), ``"repr"`` (KeyError and its subclasses: ``str(KeyError('x'))`` is ``"'x'"``) or
        ``"python"`` (a user class that defines methods: only running it tells)."""
        ancestors = self.ancestors(name)
        if ancestors & self._custom:
            return "python"
        return "repr" if "KeyError" in ancestors else "str"

    def is_exception(self, name: str) -> bool:
        return name in BUILTIN_EXCEPTIONS or name in self._user_bases or name == "Fail"

    def ancestors(self, name: str, _seen: frozenset = frozenset()) -> set[str]:
        """``name`` and every class it derives from."""
        if name in BUILTIN_EXCEPTIONS:
            return {c.__name__ for c in BUILTIN_EXCEPTIONS[name].__mro__
                    if issubclass(c, BaseException)}
        if name == "Fail":  # pysfn.Fail
            return {"Fail", "Exception", "BaseException"}
        result = {name}
        for base in self._user_bases.get(name, []):
            if base not in _seen:
                result |= self.ancestors(base, _seen | {name})
        return result

    def subclass_closure(self, name: str) -> list[str]:
        """``name`` and all known subclasses, sorted for stable output."""
        known = set(BUILTIN_EXCEPTIONS) | set(self._user_bases)
        return sorted(c for c in known if name in self.ancestors(c))
