"""Local interpreter speed: executions per second, pysfn.local vs the oracle (moto), same run.

Each machine is a compiled workflow run on a fixed input; Lambda calls are served in-process by
the package's handler (the same for both interpreters, so the ratio measures the interpreters).
Also prints the transitions and Lambda calls per execution. Target: pysfn.local >= 10x the oracle.
Run: python benchmarks/bench_interpreter.py [seconds per measurement]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import oracle  # noqa: E402  (tests/oracle.py: moto's ASL interpreter, patched)
from pysfn.compiler import compile_file  # noqa: E402
from pysfn.local import run_definition  # noqa: E402
from pysfn.packaging.inprocess import InProcessDispatcher  # noqa: E402

MACHINES = [
    (ROOT / "examples" / "analyse_text.py", {"text": "a quick brown fox"}),
    (ROOT / "examples" / "analyse_text.py", {"text": "cats"}),
    (ROOT / "tests" / "workflows" / "wf_conditions.py", {"x": 3, "y": {"k": 1}, "items": [3], "text": "s"}),
    (ROOT / "tests" / "workflows" / "wf_try.py", {"first": "x", "third": "unrelated"}),
    (ROOT / "tests" / "workflows" / "wf_parallel.py", {"x": 4}),
]


def rate(run, seconds: float) -> float:
    run()  # warm up (parse caches, imports)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run()
        count += 1
    return count / (time.perf_counter() - start)


def main(seconds: float = 1.0) -> None:
    print(f"{'machine':<34} {'transitions':>11} {'lambda':>6} {'ours/s':>9} {'oracle/s':>9} {'ratio':>7}")
    ratios = []
    for path, inp in MACHINES:
        compiled = compile_file(path)
        invoke = InProcessDispatcher(path, compiled.callees, compiled.extracted_source).invoke
        result = run_definition(compiled.definition, inp, invoke)
        expected = oracle.execute(compiled.definition, inp, invoke)
        assert (result.status, result.output) == (expected["status"], expected.get("output")), (result, expected)
        ours = rate(lambda: run_definition(compiled.definition, inp, invoke), seconds)
        theirs = rate(lambda: oracle.execute(compiled.definition, inp, invoke), seconds)
        ratios.append(ours / theirs)
        label = f"{path.stem} {str(inp)[:18]}"
        print(f"{label:<34} {result.record.transitions:>11} {result.record.lambda_invocations:>6} "
              f"{ours:>9.0f} {theirs:>9.0f} {ours / theirs:>6.1f}x")
    geometric = 1.0
    for r in ratios:
        geometric *= r
    print(f"geometric mean speed-up: {geometric ** (1 / len(ratios)):.1f}x (target >= 10x)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
