"""Rule: a Pass reached by a Choice rule (or a Default) or a Catch joins that rule's Assign.

``if x: total += 1`` -- the rule that enters the branch assigns ``total`` itself; the loop
Choice's rule binds the item and runs the body's first assignment; ``except E: skipped = ...``
assigns in the Catch. A Default is said as a last rule ``true`` to carry an Assign. The Pass
is dropped when no other state leads to it (``folding.py`` says what keeps it exact).
"""

from __future__ import annotations

from pysfn.compiler.optimize.folding import fold_passes


def rule(machine: dict) -> None:
    fold_passes(machine, allow_next=False, allow_rules=True)
