"""Compile time, memory and definition size as programs grow: linear is the goal.

Three kinds of program of N statements, each compiled in a fresh subprocess (so the peak memory
is that compile's own, and capped at 3 GB so a regression cannot take the machine down):

* ``blocks``: callee calls, if/elif chains and try/except blocks in a repeating pattern;
* ``chain``: a dependent chain ``v1 = v0 + 1; v2 = v1 + 1; ...`` (``v0: int``), which folding
  once inlined into itself quadratically (500 statements were over 1 MB, 2,000 took 14.6 GB);
* ``calls``: ``v1 = step(v0); v2 = step(v1); ...``, one Task each.

It prints the wall and CPU seconds of the compile, the peak MB and the definition KB (compact
JSON) per size, and the ratio of the CPU time to the 1,000-statement one (CPU time: the machine is
shared, wall time moves with the load). The whole pipeline is timed (validation included) with the
1 MB definition limit lifted; a program over it is marked ``>1MB`` (pysfn refuses it at the line).
Run: python benchmarks/bench_compile.py [sizes...]   (default 250 1000 2000 4000)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

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
BLOCK_STATEMENTS = 7  # statements per block (assignments, the if, the try)
HEADER = "import pysfn as PSF\n\ndef step(a, b=0):\n    return a\n\n@PSF.main\n"


def program(kind: str, statements: int) -> str:
    if kind == "blocks":
        blocks = max(1, statements // BLOCK_STATEMENTS)
        body = "".join(BLOCK.format(i=i, p=i - 1) for i in range(blocks)).replace("v-1", "x")
        return HEADER + "def flow(x):\n" + body + f"    return x{blocks - 1}\n"
    if kind == "chain":
        body = "".join(f"    v{i + 1} = v{i} + 1\n" for i in range(statements))
    else:
        body = "".join(f"    v{i + 1} = step(v{i})\n" for i in range(statements))
    return HEADER + "def flow(v0: int):\n" + body + f"    return v{statements}\n"


def _child(kind: str, statements: int) -> None:
    """In the subprocess: compile once, print seconds, peak MB, definition bytes (or refused)."""
    resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, 3_000_000_000))
    import pysfn.asl.validator as validator
    import pysfn.compiler.limits as limits
    from pysfn.compiler import compile_source
    limits.MAX_DEFINITION_BYTES = validator.MAX_DEFINITION_BYTES = 10 ** 9  # time the whole pipeline; the size is reported below
    source = program(kind, statements)
    start, cpu = time.perf_counter(), time.process_time()
    definition = compile_source(source, "generated.py").definition
    cpu = time.process_time() - cpu
    size = len(json.dumps(definition, separators=(",", ":"), ensure_ascii=False).encode())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps([seconds, cpu, peak, size]))


def measure(kind: str, statements: int) -> tuple[float, float, float, int]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(statements)],
                         capture_output=True, text=True, check=True).stdout
    return tuple(json.loads(out.splitlines()[-1]))


def main(sizes=(250, 1000, 2000, 4000)) -> None:
    print(f"{'kind':>7} {'stmts':>6} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'def KB':>8} {'CPU x 1000':>15}")
    for kind in ("blocks", "chain", "calls"):
        base = None
        for n in sizes:
            seconds, cpu, peak, size = measure(kind, n)
            if n == 1000 or base is None and n > 1000:
                base = cpu
            ratio = f"{cpu / base:10.1f}" if base else f"{'':>10}"
            shown = f"{size / 1024:8.0f}" + (" >1MB" if size > 1_000_000 else "     ")
            print(f"{kind:>7} {n:>6} {seconds:>7.2f} {cpu:>6.2f} {peak:>8.0f} {shown} {ratio}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]))
    else:
        main(*([tuple(int(a) for a in sys.argv[1:])] if len(sys.argv) > 1 else []))
