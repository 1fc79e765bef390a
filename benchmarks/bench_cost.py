"""What a workflow costs to run: pysfn's machine next to the same workflow written in sfnx.

For each workflow of ``examples/`` (and the test workflows ported so far) and a few inputs, both
machines run in the same interpreter -- the moto oracle (``tests/oracle.py``) -- with the same
Python functions answering the Lambda calls, and the bench prints, summed over the inputs:
transitions (states entered, what Standard workflows bill), Lambda calls, Lambda payload bytes
(request + response JSON), and the definition's states and bytes (compact JSON), then pysfn's
ratio to sfnx for each and in total.

The sfnx versions are in ``benchmarks/sfnx/`` (written for this bench in sfnx 3.1's language:
each callee is its own Lambda, invoked with its keyword arguments as the Payload; the logic is the
pysfn workflow's). Each run's result is compared with the native Python run: ``WRONG`` marks a
machine whose result differs. ``CANNOT`` lists the workflows sfnx cannot express, and why.

Needs the bench extra (``pip install -e .[test,bench]``). Run: python benchmarks/bench_cost.py
[workflow ...]; ``--rules`` instead prints, for each optimizer rule, the transitions (over all the
runs) it saves: the total without that rule minus the total with all of them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "examples")]

import oracle  # noqa: E402  (tests/oracle.py)
from differential import comparable, import_workflow, run_native  # noqa: E402

import pysfn as PSF  # noqa: E402
from pysfn.compiler import compile_file  # noqa: E402
from pysfn.packaging.inprocess import InProcessDispatcher  # noqa: E402

SFNX = Path(__file__).resolve().parent / "sfnx"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:dispatcher"

# workflow file -> the inputs it runs on (examples: from their tests; test workflows: CASES)
EXAMPLES = {
    "sum_squares": [{"n": 0}, {"n": 3}, {"n": 10, "gentle": True}, {"n": -1}],
    "analyse_text": [{"text": "a quick brown fox"}, {"text": "Bees buzz", "style": "brief"},
                     {"text": "  cats purr "}, {"text": "dogs bark"}, {"text": "   "}],
    "order_report": [{"orders": [{"item": "apple", "quantity": 3}, {"item": "melon"}]},
                     {"orders": [{"item": "kiwi"}, {"item": "pear", "quantity": 0},
                                 {"item": "pear", "quantity": 2}], "currency": "USD"},
                     {"orders": [{"item": "melon", "quantity": 100}, {"item": "melon", "quantity": 100},
                                 {"item": "apple"}]},
                     {"orders": []}],
    "poll_job": [{"size": 3}, {"size": 0, "pause": 1}, {"size": 9, "max_checks": 2}, {"size": -1}],
    "order_saga": [{"order": {"id": "o1", "quantity": 2, "address": "here"}},
                   {"order": {"id": "o2", "quantity": 2, "busy": 1, "address": "x"}},
                   {"order": {"id": "o3", "quantity": 20}},
                   {"order": {"id": "o4", "quantity": 1, "card": "declined"}},
                   {"order": {"id": "o5", "quantity": 1}}],
}
# What sfnx 3.1 cannot say (checked against its compiler; the reason is what it answers or lacks).
CANNOT: dict[str, str] = {}


@dataclass
class Totals:
    transitions: int = 0
    lambda_calls: int = 0
    payload_bytes: int = 0
    states: int = 0
    definition_bytes: int = 0
    wrong: list = field(default_factory=list)


def _size(value) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def count_states(machine: dict) -> int:
    n = 0
    for state in machine["States"].values():
        n += 1
        for branch in state.get("Branches", []):
            n += count_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                n += count_states(state[key])
    return n


def _metered(invoke, totals: Totals):
    def call(name, payload):
        response = invoke(name, payload)
        totals.payload_bytes += _size(payload) + _size(response.get("ok", response))
        return response
    return call


def _outcome(result: dict) -> dict:
    from pysfn.runner import error_message
    if result["status"] == "FAILED":
        result = {**result, "cause": error_message(result.get("cause"))}
    return comparable(result)


def run_pysfn(path: Path, inputs: list) -> Totals:
    module = import_workflow(path)
    compiled = compile_file(path, lambda_arn=ARN)
    dispatcher = InProcessDispatcher(path, compiled.callees, compiled.extracted_source)
    totals = Totals(states=count_states(compiled.definition), definition_bytes=_size(compiled.definition))
    for inp in inputs:
        _reset(module)
        native = run_native(module, compiled.entry, inp)
        _reset(module)
        result = oracle.execute(compiled.definition, inp, _metered(dispatcher.invoke, totals))
        _tally(totals, result, native, lambda: _agrees_elsewhere(module, compiled.definition, inp,
                                                                 dispatcher.invoke, comparable(native)), inp)
    return totals


def _tally(totals: Totals, result: dict, native: dict, second_opinion, inp) -> None:
    totals.transitions += result["transitions"]
    totals.lambda_calls += result["lambda_calls"]
    if _outcome(result) != comparable(native):
        where = "moto only; right in pysfn.local" if second_opinion() else "also in pysfn.local"
        totals.wrong.append((inp, _outcome(result), comparable(native), where))


def sfnx_definition(path: Path) -> dict:
    from sfnx.compiler import definitions
    (definition,) = definitions(path.read_text(encoding="utf-8"), str(path), False).values()
    return definition


def for_the_oracle(machine: dict) -> dict:
    """The same machine under AWS's semantics, said so that moto runs it as AWS does.

    AWS runs a Choice's state-level Assign only when no rule matched (AWS-MEASURED.md); moto
    runs it whenever the next state is the Default's target, even after a rule naming that
    state matched (tests/oracle.py), and sfnx relies on AWS's behaviour. So the state-level
    Assign becomes a last rule ``true`` to the Default with that Assign: the same transitions,
    the same result on AWS, and moto then agrees."""
    machine = json.loads(json.dumps(machine))
    for state in machine["States"].values():
        if state["Type"] == "Choice" and "Assign" in state and "Default" in state:
            state["Choices"].append({"Condition": "{% true %}", "Next": state.pop("Default"),
                                     "Assign": state.pop("Assign")})
        for branch in state.get("Branches", []) + [state[k] for k in ("ItemProcessor",) if k in state]:
            branch.update(for_the_oracle(branch))
    return machine


def run_sfnx(path: Path, sfnx_path: Path, entry: str, inputs: list) -> Totals:
    """The sfnx machine; FunctionName names the pysfn module's function, called with the Payload's
    keys as keyword arguments (an exception is a Lambda error named after its class)."""
    module = import_workflow(path)
    written = sfnx_definition(sfnx_path)
    definition = for_the_oracle(written)

    def invoke(name, payload):
        try:
            return {"ok": json.loads(json.dumps(getattr(module, name)(**payload)))}
        except PSF.Fail as e:  # a Lambda raising an error of that name (as pysfn's dispatcher does)
            return {"errorType": e.error, "errorMessage": e.cause}
        except Exception as e:  # noqa: BLE001 -- reported as the Lambda runtime reports it
            return {"errorType": type(e).__name__, "errorMessage": str(e)}

    totals = Totals(states=count_states(written), definition_bytes=_size(written))
    for inp in inputs:
        _reset(module)
        native = run_native(module, entry, inp)
        _reset(module)
        result = oracle.execute(definition, inp, _metered(invoke, totals))
        _tally(totals, result, native, lambda: _agrees_elsewhere(module, definition, inp, invoke,
                                                                 comparable(native)), inp)
    return totals


def _reset(module) -> None:
    """Workflows with state between calls (poll_job's jobs and ids, order_saga's busy counters)."""
    for name in ("_JOBS", "BUSY"):
        if isinstance(getattr(module, name, None), dict):
            getattr(module, name).clear()
    if hasattr(module, "_IDS"):
        import itertools
        module._IDS = itertools.count(1)


def _agrees_elsewhere(module, definition, inp, invoke, native) -> bool:
    """Whether pysfn's own interpreter (AWS's measured semantics where moto differs, e.g. a Choice's
    state-level Assign) gives Python's result for a run the oracle got wrong."""
    from pysfn.local import run_definition
    _reset(module)
    try:
        r = run_definition(definition, inp, invoke)
    except Exception:  # noqa: BLE001 -- a feature it does not implement: no second opinion
        return False
    return _outcome({"status": r.status, "output": r.output, "error": r.error, "cause": r.cause}) == native


def _entry(path: Path) -> str:
    return compile_file(path, lambda_arn=ARN).entry


def workflows():
    """(name, pysfn file, inputs) for every example and test workflow."""
    for name, inputs in EXAMPLES.items():
        yield name, ROOT / "examples" / f"{name}.py", inputs
    for path in sorted((ROOT / "tests" / "workflows").glob("wf_*.py")):
        module = import_workflow(path)
        if hasattr(module, "CASES"):
            yield path.stem, path, module.CASES[:6]


def ratio(a: int, b: int) -> str:
    return f"{a / b:5.2f}" if b else "   - "


COLUMNS = ("transitions", "lambda_calls", "payload_bytes", "states", "definition_bytes")
HEADS = ("transitions", "Lambda calls", "payload B", "states", "definition B")


def main(only: list[str] | None = None) -> None:
    rows, total_p, total_s = [], Totals(), Totals()
    missing, wrong = [], []
    for name, path, inputs in workflows():
        if only and name not in only:
            continue
        sfnx_path = SFNX / f"{name}.py"
        if name in CANNOT:
            missing.append(f"{name}: {CANNOT[name]}")
            continue
        if not sfnx_path.exists():
            missing.append(f"{name}: not ported yet")
            continue
        p = run_pysfn(path, inputs)
        s = run_sfnx(path, sfnx_path, _entry(path), inputs)
        for t, tag in ((p, "pysfn"), (s, "sfnx")):
            for inp, got, want, where in t.wrong:
                wrong.append(f"{name} ({tag}, {where}) on {json.dumps(inp)}: {json.dumps(got)} but Python "
                             f"gives {json.dumps(want)}")
        rows.append((name, len(inputs), p, s))
        for c in COLUMNS:
            setattr(total_p, c, getattr(total_p, c) + getattr(p, c))
            setattr(total_s, c, getattr(total_s, c) + getattr(s, c))
    print("| workflow | inputs | " + " | ".join(f"{h} pysfn/sfnx (ratio)" for h in HEADS) + " |")
    print("|---|---:|" + "---:|" * len(HEADS))
    for name, n, p, s in rows + [("**total**", sum(r[1] for r in rows), total_p, total_s)]:
        cells = [f"{getattr(p, c)}/{getattr(s, c)} ({ratio(getattr(p, c), getattr(s, c)).strip()})" for c in COLUMNS]
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")
    if wrong:
        print("\nWRONG (a machine's result differs from Python's):")
        for line in wrong:
            print("  " + line)
    if missing:
        print("\nNot compared:")
        for line in missing:
            print("  " + line)


def rule_savings() -> None:
    """Transitions each optimizer rule saves on the compared workflows (and inputs), measured by
    leaving it out."""
    import pysfn.compiler.optimize as optimize
    everything = list(optimize.RULES)

    compared = [(path, inputs) for name, path, inputs in workflows()
                if name not in CANNOT and (SFNX / f"{name}.py").exists()]

    def total() -> int:
        return sum(run_pysfn(path, inputs).transitions for path, inputs in compared)
    base = total()
    print(f"all rules: {base} transitions")
    for rule in everything:
        optimize.RULES[:] = [r for r in everything if r is not rule]
        try:
            print(f"  without {rule.__module__.rsplit('.', 1)[-1]:<18} {total() - base:+5} transitions")
        finally:
            optimize.RULES[:] = everything
    optimize.RULES[:] = []
    print(f"no rules: {total()} transitions")
    optimize.RULES[:] = everything


if __name__ == "__main__":
    if set(sys.argv[1:]) & {"-h", "--help"}:
        print(__doc__)
    elif sys.argv[1:] == ["--rules"]:
        rule_savings()
    else:
        main(sys.argv[1:] or None)
