"""Fan-out: PSF.map and [callee(x) for x in items] as inline Map states."""
import pysfn as PSF


def square(x):
    return x * x


def checked(x):
    if x < 0:
        raise ValueError(f"negative item {x}")
    return {"item": x, "double": x * 2}


def total(values):
    return sum(values)


@PSF.main
def fan(items, n=3, offset=0):
    squares = PSF.map(square, items, max_concurrency=2)
    ranged = [square(i) for i in range(n)]
    positives = [checked(v) for v in items if v > offset]
    empty = [square(i) for i in range(0)]
    try:
        every = [checked(v) for v in items]
        status = "ok"
    except ValueError as err:
        every = []
        status = str(err)
    added = total(squares)
    return {"squares": squares, "ranged": ranged, "positives": positives, "empty": empty,
            "every": every, "status": status, "sum": added}


# A failing item after others, and alone. (On AWS how many of the others are called before the
# failure stops the Map depends on how the iterations interleave; pysfn.local and the oracle run
# them in item order, so the Lambda call counts the tests compare are the same in every run.)
CASES = [{"items": [1, 2, 3]}, {"items": [], "n": 0}, {"items": [4, 5, -1], "n": 2, "offset": 1},
         {"items": [4, 5], "n": 2, "offset": 4}, {"items": [-1], "n": 2, "offset": 1}]
