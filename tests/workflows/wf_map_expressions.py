"""A Map (comprehension over a callee) inside a larger expression and in a for loop's header."""
import pysfn as PSF


def square(x):
    return x * x


@PSF.main
def fan_in_expressions(items, n=3):
    total = len([square(i) for i in range(n)]) + 100
    seen = []
    for s in [square(x) for x in items if x != 2]:
        seen.append(s)
    return {"total": total, "seen": seen, "last": [square(x) for x in items][-1:]}


CASES = [{"items": [1, 2, 3]}, {"items": [], "n": 0}]
# an item fails while others run: the same error; transition counts depend on timing
RACY_CASES = [{"items": "ab"}]
