"""Parallel branches with their own control flow, locals (shadowing renamed), try/except, callees."""
import pysfn as PSF


class Flaky(Exception):
    pass


def work(x):
    if x == "boom":
        raise Flaky("branch failed")
    return f"worked {x}"


@PSF.main
def branches(items=["a", "b"], mode="ok"):
    total = 0

    def left():
        total = 0  # a local of the branch: shadows the outer one, which stays 0
        out = []
        for item in items:
            total += 1
            out.append(work(item))
        return {"out": out, "total": total}

    def right():
        try:
            r = work("boom" if mode == "fail" else "right")
        except Flaky as e:
            r = "caught " + str(e)
        return r

    def failing():
        if mode == "uncaught":
            work("boom")
        return "fine"

    try:
        a, b, c = PSF.parallel(left, right, failing)
    except Flaky as e:
        a, b, c = None, None, "parallel failed: " + str(e)
    return {"a": a, "b": b, "c": c, "total": total}


CASES = [{}, {"mode": "fail"}, {"items": []}]
# A branch fails while the others run: results agree; how many Lambda calls the others made
# before Step Functions stopped them depends on timing.
RACY_CASES = [{"mode": "uncaught"}]
