"""A workflow with a typical mistake, to show a diagnostic (README): it runs natively, but a
callee call inside `+=` has no state of its own to run in. `pysfn compile examples/broken.py`."""

import pysfn as PSF


def count_words(page):
    return len(page.split())


@PSF.main
def total_words(pages):
    total = 0
    for page in pages:
        total += count_words(page)
    return total
