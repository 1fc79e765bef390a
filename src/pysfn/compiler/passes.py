"""The optimisation passes now live in ``compiler/optimize/`` (one rule per module); this
module keeps the old import path working."""

from __future__ import annotations

from pysfn.compiler.optimize import RULES, optimise  # noqa: F401
from pysfn.compiler.optimize.fold_assignment import rule as fold_assignment_into_predecessor  # noqa: F401
from pysfn.compiler.optimize.fold_return import rule as fold_return_into_predecessor  # noqa: F401
from pysfn.compiler.optimize.machine import predecessors  # noqa: F401
