"""Callee calls inside expressions (compiler/hoisting.py): each its own Task, in Python's order.

``boom`` raises: every case puts it only where Python does not evaluate it (the branch not
taken, the right side of an ``and``/``or`` that is decided, a filtered-out item), so a
compiled machine that called it would fail where CPython succeeds.
"""
import pysfn as PSF

CALLS = []  # what each callee was called with, in order (tests/test_hoisting.py reads it)


def convert(amount, currency):
    CALLS.append(["convert", amount, currency])
    return amount * {"eu": 2, "us": 1}.get(currency, 0)


def price(x):
    CALLS.append(["price", x])
    return x + 1


def check(x):
    CALLS.append(["check", x])
    return x is not None and x > 0


def boom(x):
    CALLS.append(["boom", x])
    raise ValueError(f"boom must not run: {x!r}")


def weekday_of(text):
    CALLS.append(["weekday_of", text])
    return len(text) % 7


def count_words(text):
    CALLS.append(["count_words", text])
    return len(text.split())


def lookup(key):
    CALLS.append(["lookup", key])
    return {"id": key, "v": key * 10}


def enrich(row, extra):
    CALLS.append(["enrich", row])
    return {"row": row, "extra": extra["v"]}


def ready(n):
    CALLS.append(["ready", n])
    return n >= 3


def label(x):
    CALLS.append(["label", x])
    return f"<{x}>"


@PSF.main
def hoisted(amount, currency="eu", text="", raw=None, ids=[1, 2]):
    total = price(convert(amount, currency))                       # nested: two Tasks
    ok = raw is not None and check(raw)                             # check only when raw is not None
    either = check(amount) or boom(amount)                          # boom only when check is false
    picked = label(raw) if raw else label(text)                     # only the taken branch
    chained = 0 < price(amount) < 100                               # price once
    results = [price(amount), {"k": convert(amount, "us")}, label(text) + "!"]
    msg = f"{text}: {count_words(text)} words"
    day = {"day": weekday_of(text), "n": len(ids)}["day"]
    size = len(label(currency)) + abs(price(-5))
    rows = [enrich({"id": i}, lookup(i)) for i in ids]               # a Map running two Tasks per item
    positive = [i for i in ids if check(i)]                          # the filter calls the callee
    priced = [price(i) for i in ids if i != 0]
    count = 0
    while not ready(count):                                          # ready() before every test
        count += 1
    if check(raw):
        branch = "raw"
    elif check(amount):                                              # only when the first test fails
        branch = "amount"
    else:
        branch = "none"
    biggest = max(price(i) for i in ids) if ids else None
    # a callee in a subscript (a str key: moto hands ints from a Lambda result on as floats, and an
    # int index read straight from $states.result fails there; see the report of issue 13)
    first_id = {"<0>": "none", "<1>": "some"}[label(1 if ids else 0)]
    by_label = {label(i): price(i) for i in ids}                      # a dict comprehension: a Map of pairs
    checked = {label(i): i for i in ids if check(i)}
    if amount == 404:
        raise ValueError(label(amount))
    return {"total": total, "ok": ok, "either": either, "picked": picked, "chained": chained,
            "results": results, "msg": msg, "day": day, "size": size, "rows": rows, "positive": positive,
            "priced": priced, "count": count, "branch": branch, "biggest": biggest, "first_id": first_id, "by_label": by_label, "checked": checked,
            "first": {"day": weekday_of(text), "label": label(picked)}}


CASES = [
    {"amount": 3},
    {"amount": 2, "currency": "us", "text": "Straße 👍 ok", "raw": 5, "ids": [0, -3, 4]},
    {"amount": 7, "text": "", "raw": 0, "ids": []},
    {"amount": 1, "raw": -1, "text": "a b", "ids": [2]},
    {"amount": 404, "raw": None},                                    # raise E(callee(...))
    {"amount": 0.5, "raw": 1e-7, "text": "  "},
    {"amount": 0, "raw": None},                                      # check(0) is false: boom runs, as in Python
]
