"""What callee calls inside expressions cost (compiler/hoisting.py): transitions and Lambda calls.

Each form is compiled twice: as written (the calls inside the expression) and as one would write
it by hand without hoisting (each call assigned to a variable of its own first). Both run in
pysfn.local on the same input with the callees in-process; the table shows that a hoisted call
is one Task and nothing more (a nested call is two Tasks, not an extracted Lambda plus two Tasks)
and that short-circuits skip the Tasks Python skips.
Run: python benchmarks/bench_hoisting.py
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

from pysfn.compiler import compile_file
from pysfn.local import run_definition
from pysfn.packaging.inprocess import InProcessDispatcher

CALLEES = '''\
import pysfn as PSF


def convert(a, c):
    return a * 2


def price(x):
    return x + 1


def check(x):
    return x > 0


def lookup(k):
    return {"v": k}


def enrich(r, e):
    return [r, e["v"]]
'''

# (form, input, as written, by hand)
FORMS = [
    ("nested call", {"a": 2},
     "return price(convert(a, 'eu'))",
     "c = convert(a, 'eu')\nreturn price(c)"),
    ("calls in a dict literal", {"a": 2},
     "return {'p': price(a), 'c': convert(a, 'us')}",
     "p = price(a)\nc = convert(a, 'us')\nreturn {'p': p, 'c': c}"),
    ("f-string", {"a": 2},
     "return f'total: {price(a)}'",
     "p = price(a)\nreturn f'total: {p}'"),
    ("and (right side runs)", {"a": 2},
     "return a > 0 and check(a)",
     "ok = a > 0\nif ok:\n    ok = check(a)\nreturn ok"),
    ("and (right side skipped)", {"a": -2},
     "return a > 0 and check(a)",
     "ok = a > 0\nif ok:\n    ok = check(a)\nreturn ok"),
    ("conditional expression", {"a": 2},
     "return price(a) if a > 1 else convert(a, 'eu')",
     "if a > 1:\n    r = price(a)\nelse:\n    r = convert(a, 'eu')\nreturn r"),
    ("while test, 3 iterations", {"a": 0},
     "while not check(a - 2):\n    a += 1\nreturn a",
     "ok = check(a - 2)\nwhile not ok:\n    a += 1\n    ok = check(a - 2)\nreturn a"),
    ("Map with two Tasks per item", {"a": 3},
     "return [enrich(k, lookup(k)) for k in range(a)]",
     "out = []\nfor k in range(a):\n    e = lookup(k)\n    out.append(enrich(k, e))\nreturn out"),
]


def measure(directory: Path, name: str, body: str, inp: dict):
    path = directory / f"{name}.py"
    path.write_text(CALLEES + "\n\n@PSF.main\ndef flow(a):\n" + textwrap.indent(body, "    ") + "\n")
    compiled = compile_file(path)
    invoke = InProcessDispatcher(path, compiled.callees, compiled.extracted_source).invoke
    result = run_definition(compiled.definition, inp, invoke)
    assert result.status == "SUCCEEDED", (name, result.error, result.cause)
    return result.output, result.record.transitions, result.record.lambda_invocations, len(compiled.extractions)


def main() -> None:
    print(f"{'form':<30} {'written: transitions':>21} {'lambda':>6} {'extracted':>9}   "
          f"{'by hand: transitions':>20} {'lambda':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        sys.path.insert(0, tmp)
        for i, (form, inp, written, by_hand) in enumerate(FORMS):
            out_w, t_w, l_w, x_w = measure(directory, f"bench_hoist_w{i}", written, inp)
            out_h, t_h, l_h, _ = measure(directory, f"bench_hoist_h{i}", by_hand, inp)
            assert out_w == out_h, (form, out_w, out_h)
            print(f"{form:<30} {t_w:>21} {l_w:>6} {x_w:>9}   {t_h:>20} {l_h:>6}")


if __name__ == "__main__":
    main()
