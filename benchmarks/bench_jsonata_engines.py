"""Choose pysfn.local's JSONata engine by measurement: for each candidate engine, its pass rate on
the JSONata reference test suite (v2.0.6, the version AWS implements; ``<repo>/../shared/jsonata-suite``)
per group, and its speed, in one run.

    python benchmarks/bench_jsonata_engines.py [--engines a,b] [--cache DIR] [--json FILE]

Candidates are the JSONata engines on PyPI (found with ``pip index versions`` / the package lists):
each is installed, pinned, into its own virtual environment under ``--cache`` (several install
the same module name, ``jsonata``) and run there as a worker process. ``pysfn-local`` is the
engine pysfn.local actually uses (jsonata-python plus AWS's measured behaviour,
``pysfn.local.aws_jsonata``), run in this interpreter; ``jsonata-js`` is the reference
implementation itself (npm ``jsonata@2.0.6`` under Node), the yardstick.

Scoring: a case passes when the engine gives the expected result (numbers by value, ``unordered``
results as multisets), *undefined* for ``undefinedResult``, or an error with the expected code.
Engines that return ``None`` for both null and undefined get the benefit of the doubt on those
cases (marked ``~`` in the table). A case that crashes or hangs a worker (10 s) fails; the worker
is restarted after it, and the time it hung is left out of ``suite/s``.

AWS facts: how many of ``AWS_FACTS`` (behaviours of ``shared/AWS-MEASURED.md`` an engine can show
by itself: UTF-16 strings, stable ``$sort``, ``$count(null)``, ...) the engine already follows; the
ones it misses are what pysfn.local must patch on top.

Speed: ``suite/s`` is suite cases per second (parse + evaluate, every case once); ``eval/s`` is
evaluations per second of a fixed mix of pre-parsed expressions shaped like Step Functions fields.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import select
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
SUITE = REPO.parent / "shared" / "jsonata-suite"

# name -> (pip requirement or None, how the worker runs it)
ENGINES = {
    "pysfn-local": (None, "pysfn"),                   # jsonata-python 0.7.1 + pysfn.local.aws_jsonata
    "jsonata-python": ("jsonata-python==0.7.1", "jsonata_python"),
    "jsonata-rs": ("jsonata-rs==0.1.4", "jsonata_rs"),
    "zopyx-pyjsonata": ("zopyx-pyjsonata==0.3.7", "zopyx"),
    "jsonatapy": ("jsonatapy==2.2.13", "jsonatapy"),
    "jlens": ("jlens==0.25.0", "jlens"),
    "jsonata2py": ("jsonata2py==0.1.3", "jsonata2py"),
    "jsonata-wrapper": ("jsonata==0.2.5", "js_wrapper"),  # PyPI 'jsonata': an embedded JS engine, no bindings
    "jsonata-js": (None, "node"),                      # npm jsonata@2.0.6: the reference, as a yardstick
}
NOT_INSTALLABLE = {"pyjsonata": "no installable distribution for this Python (pip finds no version)"}

# AWS-MEASURED.md facts an engine can show by itself: (expression, bindings, expected outcome). An
# engine that agrees with more of them needs fewer patches to behave as AWS does.
AWS_FACTS = [
    ('$lowercase("Straße")', {}, ("value", "straße")),
    ('$lowercase("ẞ")', {}, ("value", "ß")),
    ('$replace($s, /\\s/, "_")', {"s": "a\u00a0b c"}, ("value", "a\u00a0b_c")),
    ('$trim(" a \t\n b ")', {}, ("value", "a b")),
    ('$split("a👍b", "")', {}, ("value", ["a", "\ud83d", "\udc4d", "b"])),
    ('$sort($xs, function($l, $r) { $l.k > $r.k }).v',
     {"xs": [{"k": 1, "v": "a"}, {"k": 0, "v": "b"}, {"k": 1, "v": "c"}, {"k": 0, "v": "d"}]},
     ("value", ["b", "d", "a", "c"])),
    ('$sort(["～", "👍"])', {}, ("value", ["👍", "～"])),
    ('$sort([1, "a"])', {}, ("error", None)),
    ("$round(2.675, 2)", {}, ("value", 2.68)),
    ("$round(25, -1)", {}, ("value", 20)),
    ("1 / 0 > 5", {}, ("value", True)),
    ("(1 / 0) + 1", {}, ("error", None)),
    ("$count(null)", {}, ("value", 0)),
    ("$count(5)", {}, ("value", 1)),
    ('"abc"[0]', {}, ("value", "abc")),
    ("$x[$i][0]", {"x": [[5, 6], [7]], "i": 0}, ("value", [5, 6])),
    ("$distinct([1, true, 1])", {}, ("value", [1, True])),
    ("$keys({})", {}, ("undefined", None)),
    ("$boolean([[]])", {}, ("value", False)),
    ("$merge([])", {}, ("value", {})),
    ("[$sum([]), $count($max([]))]", {}, ("value", [0, 0])),
    ('$join([1, "a"])', {}, ("error", None)),
    ('$pad("a", -3, "-")', {}, ("value", "--a")),
    ('$decodeUrlComponent("a+b")', {}, ("value", "a b")),
    ('$decodeUrlComponent("%zz")', {}, ("error", None)),
    ("$x ?? 1", {}, ("error", None)),
    ('$eval("1")', {}, ("error", None)),
    ("$count([1, 2])", {"count": 3}, ("error", None)),
    ('$substring("a👍", 0)', {}, ("error", None)),
    ('$substring("ab👍", 1, 2)', {}, ("value", "b\ud83d")),
    ('$length("a👍")', {}, ("value", 2)),
    ("$map([7], function($v) { $v })", {}, ("value", 7)),
    ("$zip([1, 2, 3], [4, 5])", {}, ("value", [[1, 4], [2, 5]])),
]

SPEED_MIX = [
    ("$states.input.a + $x", {"states": {"input": {"a": 2}}, "x": 3}),
    ("$uppercase($s) & '-' & $string($n)", {"s": "straße", "n": 1.5}),
    ("$map($xs, function($v) { $v * 2 })", {"xs": list(range(20))}),
    ("$xs[$ > 5]", {"xs": list(range(20))}),
    ("{'total': $sum($xs), 'n': $count($xs), 'max': $max($xs)}", {"xs": list(range(20))}),
    ("$substring($s, 1, 3)", {"s": "hello world"}),
    ("$x.items[price > 10].name", {"x": {"items": [{"price": i, "name": f"n{i}"} for i in range(10)]}}),
    ("$exists($x.missing) ? 1 : 2", {"x": {}}),
    ("$join($split($s, ','), ';')", {"s": "a,b,c,d"}),
    ("$merge([$a, {'k': $b}])", {"a": {"x": 1}, "b": [1, 2]}),
]


# ---------------------------------------------------------------------------------------------
# The suite

def load_suite(suite: Path) -> list[dict]:
    datasets = {path.stem: json.loads(path.read_text()) for path in (suite / "datasets").glob("*.json")}
    cases = []
    for path in sorted((suite / "groups").glob("*/*.json")):
        loaded = json.loads(path.read_text())
        for i, case in enumerate(loaded if isinstance(loaded, list) else [loaded]):
            if "expr-file" in case:
                case["expr"] = (path.parent / case["expr-file"]).read_text()
            if "data" in case:
                data, has_data = case["data"], True
            elif case.get("dataset") is not None:
                data, has_data = datasets[case["dataset"]], True
            else:
                data, has_data = None, False
            code = case.get("code") or (case.get("error") or {}).get("code")
            cases.append({"id": f"{path.parent.name}/{path.stem}" + (f"#{i}" if isinstance(loaded, list) else ""),
                          "group": path.parent.name, "expr": case["expr"], "data": data, "has_data": has_data,
                          "bindings": case.get("bindings") or {}, "result": case.get("result"),
                          "has_result": "result" in case, "undefined": bool(case.get("undefinedResult")),
                          "code": code, "unordered": bool(case.get("unordered")),
                          "timelimit": case.get("timelimit"), "depth": case.get("depth")})
    return cases


def same(expected, actual, unordered=False) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return expected == actual or math.isclose(expected, actual, rel_tol=1e-12)
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return False
        if unordered:
            rest = list(actual)
            for item in expected:
                match = next((i for i, other in enumerate(rest) if same(item, other)), None)
                if match is None:
                    return False
                rest.pop(match)
            return True
        return all(same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k]) for k in expected)
    return type(expected) is type(actual) and expected == actual


_CODE = re.compile(r"\b([SDTU]\d{4})\b")


def verdict(case: dict, outcome: tuple) -> str:
    """'pass', 'soft' (passed where null and undefined cannot be told apart) or 'fail'."""
    kind, value = outcome
    if case["code"]:
        return "pass" if kind == "error" and value == case["code"] else "fail"
    if kind == "error":
        return "fail"
    if case["undefined"]:
        return "pass" if kind == "undefined" else "soft" if kind == "none" else "fail"
    if kind == "undefined":
        return "fail"
    if kind == "none":
        return "soft" if case["result"] is None else "fail"
    return "pass" if same(case["result"], value, case["unordered"]) else "fail"


# ---------------------------------------------------------------------------------------------
# Workers: one engine each, in its own environment. Protocol: one JSON case per stdin line, one
# JSON outcome per stdout line ([kind, value]: "value" | "undefined" | "none" | "error").

def _python_engine(kind: str):
    """``(parse, evaluate)`` for an engine; ``evaluate(program, case) -> (kind, value)``."""
    if kind in ("jsonata_python", "pysfn"):
        from jsonata import Jsonata
        from jsonata.utils import Utils
        if kind == "pysfn":
            sys.path.insert(0, str(REPO / "src"))
            from pysfn.local import aws_jsonata
            parse_ = aws_jsonata.parse_program
        else:
            parse_ = Jsonata

        def to_engine(value):
            if value is None:
                return Utils.NULL_VALUE
            if isinstance(value, list):
                return [to_engine(v) for v in value]
            if isinstance(value, dict):
                return {k: to_engine(v) for k, v in value.items()}
            return value

        def from_engine(value):
            if value is Utils.NULL_VALUE:
                return None
            if isinstance(value, list):
                return [from_engine(v) for v in value]
            if isinstance(value, dict):
                return {k: from_engine(v) for k, v in value.items()}
            return value

        def parse(expr):
            program = parse_(expr)
            program.set_output_convert_nulls(False)
            return program

        def evaluate(program, case):
            Jsonata.CURRENT.jsonata = program
            bindings = {k: to_engine(v) for k, v in case["bindings"].items()}
            result = program.evaluate(to_engine(case["data"]) if case["has_data"] else None, bindings)
            return ("undefined", None) if result is None else ("value", from_engine(result))

        def code(error):
            return getattr(error, "error", None)
        return parse, evaluate, code
    if kind == "jsonata_rs":
        import jsonata

        def parse(expr):
            program = jsonata.Jsonata(expr)
            program.set_output_convert_nulls(False)
            return program

        def evaluate(program, case):
            # no input at all cannot be given (UNDEFINED is refused as input): None, JSON null, stands in
            result = program.evaluate(case["data"] if case["has_data"] else None, case["bindings"])
            return ("undefined", None) if result is jsonata.UNDEFINED else ("value", result)
        return parse, evaluate, lambda error: getattr(error, "code", None)
    if kind == "zopyx":
        from zopyx import pyjsonata

        def evaluate(program, case):
            result = program.evaluate(case["data"] if case["has_data"] else pyjsonata.UNDEFINED, case["bindings"],
                                      case["depth"], case["timelimit"])
            return ("undefined", None) if result is pyjsonata.UNDEFINED else ("value", result)
        return pyjsonata.Jsonata, evaluate, None
    if kind == "jsonatapy":
        import jsonatapy

        def evaluate(program, case):
            result = program.evaluate(case["data"] if case["has_data"] else None, case["bindings"])
            return ("none", None) if result is None else ("value", result)
        return jsonatapy.compile, evaluate, None
    if kind == "jlens":
        import jlens

        def evaluate(program, case):
            result = program.evaluate(case["data"] if case["has_data"] else None, case["bindings"])
            return ("none", None) if result is None else ("value", result)
        return jlens.Expression, evaluate, lambda error: getattr(error, "code", None)
    if kind == "jsonata2py":
        import jsonata2py
        from jsonata2py.bindings import MISSING, JsonataBindings

        def evaluate(program, case):
            bindings = JsonataBindings()
            for name, value in case["bindings"].items():
                bindings.bind_value(name, value)
            result = program.evaluate(case["data"] if case["has_data"] else MISSING, bindings)
            return ("undefined", None) if result is MISSING else ("value", result)
        return jsonata2py.compile, evaluate, lambda error: getattr(error, "error_code", None)
    if kind == "js_wrapper":
        import jsonata
        context = jsonata.Context()

        def parse(expr):
            return expr

        def evaluate(program, case):
            if case["bindings"]:  # no bindings API: the values are bound by a block around the expression
                program = "(" + "".join(f"${k} := {json.dumps(v)}; " for k, v in case["bindings"].items()) \
                    + program + ")"
            try:
                return "value", context(program, case["data"] if case["has_data"] else None)
            except KeyError:
                return "undefined", None
        return parse, evaluate, None
    raise SystemExit(f"unknown engine kind {kind!r}")


def worker(kind: str) -> None:
    sys.setrecursionlimit(20000)
    # the protocol owns the real stdout; whatever an engine prints goes to stderr
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    parse, evaluate, code_of = _python_engine(kind)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("speed"):
            print(json.dumps(["value", _speed(parse, evaluate)]), file=out, flush=True)
            continue
        try:
            outcome = evaluate(parse(request["expr"]), request)
            json.dumps(outcome)  # a value JSON cannot hold (a function) is a failed case, not a crash
        except BaseException as error:  # noqa: BLE001 - every engine failure is an outcome
            code = code_of(error) if code_of else None
            if code is None:
                found = _CODE.search(str(error))
                code = found.group(1) if found else type(error).__name__
            outcome = ("error", code)
        print(json.dumps(outcome), file=out, flush=True)


def _speed(parse, evaluate) -> float:
    programs = []
    for expr, bindings in SPEED_MIX:  # an expression the engine cannot run is left out of the mix
        case = {"data": None, "has_data": False, "bindings": bindings, "depth": None, "timelimit": None}
        try:
            program = parse(expr)
            evaluate(program, case)
        except Exception:  # noqa: BLE001
            continue
        programs.append((program, case))
    if not programs:
        return 0.0
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < 1.0:
        for program, case in programs:
            evaluate(program, case)
        count += len(programs)
    return count / (time.perf_counter() - started)


NODE_WORKER = r"""
const jsonata = require(process.argv[2]);
const readline = require('readline');
const rl = readline.createInterface({input: process.stdin});
const mix = JSON.parse(process.argv[3]);
const queue = [];
let busy = false;
rl.on('line', line => { queue.push(line); pump(); });
async function pump() {
  if (busy) return; busy = true;
  while (queue.length) {
    const req = JSON.parse(queue.shift());
    let out;
    if (req.speed) {
      const progs = mix.map(([e, b]) => [jsonata(e), b]);
      let n = 0; const t0 = Date.now();
      while (Date.now() - t0 < 1000) { for (const [p, b] of progs) { await p.evaluate(undefined, b); } n += progs.length; }
      out = ['value', n / ((Date.now() - t0) / 1000)];
    } else {
      try {
        const r = await jsonata(req.expr).evaluate(req.has_data ? req.data : undefined, req.bindings);
        if (r === undefined) out = ['undefined', null];
        else { const v = JSON.parse(JSON.stringify(r)); out = ['value', v === undefined ? null : v]; }
      } catch (e) { out = ['error', e.code || String(e)]; }
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  busy = false;
}
"""


# ---------------------------------------------------------------------------------------------
# Running the workers

def _command(name: str, cache: Path) -> list[str] | None:
    requirement, kind = ENGINES[name]
    if kind == "pysfn":
        return [sys.executable, str(HERE), "--worker", kind]
    if kind == "node":
        target = cache / "node"
        if not (target / "node_modules" / "jsonata").is_dir():
            target.mkdir(parents=True, exist_ok=True)
            subprocess.run(["npm", "install", "--silent", "--prefix", str(target), "jsonata@2.0.6"], check=True)
        script = target / "worker.js"
        script.write_text(NODE_WORKER)
        return ["node", str(script), str(target / "node_modules" / "jsonata"), json.dumps(SPEED_MIX)]
    venv = cache / name
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", requirement], check=True)
    return [str(python), str(HERE), "--worker", kind]


class Worker:
    def __init__(self, command: list[str]):
        self.command = command
        self.process = None

    def ask(self, request: dict, timeout: float = 10.0):
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, text=True, bufsize=1)
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            self.close()
            return ("error", "crashed")
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            return ("error", "timeout" if not ready else "crashed")
        try:
            return tuple(json.loads(line))
        except ValueError:
            return ("error", "unreadable output")

    def close(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def fact_cases() -> list[dict]:
    return [{"id": f"fact/{i}", "group": "aws-facts", "expr": expr, "data": None, "has_data": False,
             "bindings": bindings, "result": expected[1], "has_result": expected[0] == "value",
             "undefined": expected[0] == "undefined", "code": None, "any_error": expected[0] == "error",
             "unordered": False, "timelimit": None, "depth": None}
            for i, (expr, bindings, expected) in enumerate(AWS_FACTS)]


def fact_verdict(case: dict, outcome: tuple) -> bool:
    if case["any_error"]:
        return outcome[0] == "error"
    return verdict(case, outcome) == "pass"


def measure(name: str, cases: list[dict], cache: Path) -> dict:
    try:
        command = _command(name, cache)
    except (subprocess.CalledProcessError, OSError) as e:
        return {"engine": name, "error": f"cannot install: {e}"}
    worker_ = Worker(command)
    verdicts, groups = Counter(), {}
    suite_seconds = 0.0  # cases that hung are left out of the rate
    try:
        for case in cases:
            started = time.perf_counter()
            outcome = worker_.ask(case)
            if outcome != ("error", "timeout"):
                suite_seconds += time.perf_counter() - started
            result = verdict(case, outcome)
            verdicts[result] += 1
            passed, soft, total = groups.get(case["group"], (0, 0, 0))
            groups[case["group"]] = (passed + (result == "pass"), soft + (result == "soft"), total + 1)
        facts = sum(fact_verdict(case, worker_.ask(case)) for case in fact_cases())
        kind, rate = worker_.ask({"speed": True}, timeout=60)
    finally:
        worker_.close()
    return {"engine": name, "pass": verdicts["pass"], "soft": verdicts["soft"], "total": len(cases), "facts": facts,
            "groups": groups, "suite_per_second": len(cases) / max(suite_seconds, 1e-9),
            "eval_per_second": rate if kind == "value" else None}


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--suite", default=str(SUITE))
    parser.add_argument("--cache", default=os.environ.get("PYSFN_BENCH_CACHE",
                                                          str(Path.home() / ".cache" / "pysfn-bench-engines")))
    parser.add_argument("--json", help="also write the measurements to this file")
    parser.add_argument("--groups", action="store_true", help="print the pass rate of every group")
    args = parser.parse_args(argv)
    suite = Path(args.suite)
    if not (suite / "groups").is_dir():
        raise SystemExit(f"the JSONata suite is missing: {suite}")
    cases = load_suite(suite)
    results = [measure(name.strip(), cases, Path(args.cache)) for name in args.engines.split(",") if name.strip()]
    print(f"JSONata reference suite v2.0.6: {len(cases)} cases")
    print(f"{'engine':<18} {'passed':>14} {'AWS facts':>10} {'suite/s':>9} {'eval/s':>9}")
    for r in results:
        if "error" in r:
            print(f"{r['engine']:<18} {r['error']}")
            continue
        soft = f" ~{r['soft']}" if r["soft"] else ""
        print(f"{r['engine']:<18} {r['pass']:>5}/{r['total']}{soft:<5} {r['facts']:>4}/{len(AWS_FACTS):<5} "
              f"{r['suite_per_second']:>9.0f} "
              f"{(r['eval_per_second'] or 0):>9.0f}")
    for name, why in NOT_INSTALLABLE.items():
        print(f"{name:<18} not measured: {why}")
    measured = [r for r in results if "error" not in r]
    if args.groups and measured:
        names = [r["engine"] for r in measured]
        print("\nper group (passed/total):\n" + f"{'group':<34}" + "".join(f"{n[:12]:>13}" for n in names))
        for group in sorted(measured[0]["groups"]):
            row = [r["groups"].get(group, (0, 0, 0)) for r in measured]
            print(f"{group:<34}" + "".join(f"{p:>8}/{t:<4}" for p, s, t in row))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
