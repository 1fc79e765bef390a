"""'Did you mean ...?' for a name the compiler does not know (difflib, as pyflakes-style tools do)."""

from __future__ import annotations

import difflib

from pysfn.compiler.scope import TEMP_PREFIX


def did_you_mean(name: str, candidates) -> str | None:
    """The closest of ``candidates`` to ``name`` as a hint, or None when none is close."""
    names = sorted({c for c in candidates if c != name and not c.startswith(TEMP_PREFIX)})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def callee_names(info) -> list[str]:
    """The functions a workflow may call: the module's (but the entry) and those of local modules."""
    entry = info.entry.name if info.entry is not None else None
    names = [n for n in info.callees if n != entry]
    names += [f"{alias}.{fn}" for alias, functions in info.local_modules.items() for fn in functions]
    return names
