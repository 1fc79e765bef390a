"""Example: fan-out / fan-in — squares computed by many Lambda calls, then added up.

``sum_of_squares(n, gentle=False)`` squares the numbers 1..n in parallel: the comprehension over
the callee ``square`` becomes an inline Map state, so each item is one Lambda call and Step
Functions runs up to 40 of them at once (``PSF.map(..., max_concurrency=N)`` sets the limit).
The results come back in item order and ``add_up`` adds them in one more call.
"""

import pysfn as PSF


class NegativeInput(Exception):
    pass


def square(x):
    return x * x


def add_up(values):
    return sum(values)


@PSF.main
def sum_of_squares(n: int, gentle: bool = False):
    if n < 0:
        raise NegativeInput(f"n must be >= 0, not {n}")
    if gentle:  # at most 5 Lambda calls at a time
        squares = PSF.map(square, range(1, n + 1), max_concurrency=5)
    else:
        squares = [square(i) for i in range(1, n + 1)]
    total = add_up(squares)
    return {"n": n, "squares": squares, "total": total}
