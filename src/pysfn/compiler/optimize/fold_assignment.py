"""Rule: a Pass that only assigns joins the states whose ``Next`` leads to it.

``s = f(x); y = s["k"]``: the Task assigns ``y`` too, one state less on the path; the same
after a Parallel, a Map, a Wait or another Pass, and into each of several predecessors when
the Pass is small (``folding.py`` says what keeps it exact). Linear: each Pass is looked at
once, and an expression is never copied into another (a chain ``v2 = v1 + 1; v3 = v2 + 1``
keeps its states rather than growing with its square).
"""

from __future__ import annotations

from pysfn.compiler.optimize.folding import fold_passes


def rule(machine: dict) -> None:
    fold_passes(machine, allow_next=True, allow_rules=False)
