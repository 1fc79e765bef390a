"""Compile time as programs grow.

Generates workflows of N statements (callee calls, if/elif chains, try/except blocks in a
repeating pattern), compiles each, and prints the time per compile and per statement, with the
ratio to the smallest program measured in the same run. Run: python benchmarks/bench_compile.py
"""

from __future__ import annotations

import statistics
import sys
import time

from pysfn.compiler import compile_source

BLOCK = """\
    v{i} = step(v{p}, {i})
    if v{i} == {i}:
        w{i} = step(v{i}, 0)
    elif v{i} is None:
        w{i} = step(None, 1)
    else:
        w{i} = step(v{i}, 2)
    try:
        x{i} = step(w{i}, {i})
    except ValueError as e{i}:
        x{i} = step(str(e{i}), 3)
"""


def program(blocks: int) -> str:
    body = "".join(BLOCK.format(i=i, p=i - 1) for i in range(blocks)).replace("v-1", "x")
    return ("import pysfn as PSF\n\ndef step(a, b):\n    return a\n\n@PSF.main\ndef flow(x):\n"
            + body + f"    return x{blocks - 1}\n")


def measure(blocks: int, repeat: int) -> tuple[float, int, int]:
    source = program(blocks)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = compile_source(source, "generated.py")
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(source.splitlines()), len(result.definition["States"])


def main(sizes=(1, 5, 25, 100), repeat=5) -> None:
    print(f"{'blocks':>7} {'lines':>6} {'states':>7} {'ms/compile':>11} {'us/line':>8} {'x smallest':>10}")
    base = None
    for blocks in sizes:
        seconds, lines, states = measure(blocks, repeat)
        base = base or seconds
        print(f"{blocks:>7} {lines:>6} {states:>7} {seconds * 1e3:>11.2f} {seconds / lines * 1e6:>8.1f} "
              f"{seconds / base:>10.1f}")


if __name__ == "__main__":
    main(*( [tuple(int(a) for a in sys.argv[1:])] if len(sys.argv) > 1 else []))
