"""ASL validators this project did not write, as a second opinion on our own.

``independent_problems(definition)`` returns what each of them finds, every problem prefixed with
the validator's name; empty when all accept the definition. ``available()`` names those installed.

* ``moto``: the static analyser that moto 5.2.5's ``create_state_machine`` runs
  (``moto.stepfunctions.parser.asl.static_analyser.static_analyser.StaticAnalyser``, a copy of
  LocalStack's): its ANTLR grammar and preprocessor reject unknown fields and wrong types, a
  JSONPath field in a JSONata state, a JSONPath state inside a JSONata machine, a Choice with
  ``End``, a Task without ``Resource``. Misses (measured on tests/test_validator.py's table): a
  ``StartAt``/``Next``/``Default``/``Catch.Next`` naming a missing state (it fails only at run
  time), unreachable states, dead-end cycles, duplicate names, names over 80 characters, bad
  variable names, a state with neither ``Next`` nor ``End``, Fail with ``Output``, Succeed with
  ``Assign``, ``Retry`` on a Pass, ``States.ALL`` not last, empty error names, custom
  ``States.*`` errors, Error/Cause lengths, unclosed or empty ``{% %}``, the DISTRIBUTED Map
  rules. Wrongly rejects: ``ExecutionType: EXPRESS`` in a DISTRIBUTED Map, an integer
  ``ToleratedFailurePercentage``.
* ``statelint`` 3.1.0 (PyPI), when installed, run as ``statelint --eval-jsonata --ignore=FLOAT``
  (in process: ``Linter.validate`` with the same configuration; else the command on a temp
  file). Misses: a Task without ``Resource``, a Choice ``Condition`` that is not a ``{% %}``
  expression, bad variable names, dead-end cycles, names over 80 characters, Succeed with
  ``Assign``, ``States.ALL`` with other names, empty error names, unknown or custom
  ``States.*`` errors, Error/Cause lengths, ``{% %}`` in a JSONPath state, unclosed or empty
  ``{% %}``, the DISTRIBUTED Map rules. Wrongly rejects valid definitions: ``Assign`` in a
  JSONPath state (variables work in both query languages), a ``{% %}`` expression as Wait
  ``Seconds``, ``Seconds: 0``, a Map ``Label``, a fractional ``ToleratedFailurePercentage``,
  and a constant ``Condition`` such as ``{% true %}`` (it evaluates it and wants a string). The
  first two are in ``FALSE_POSITIVES`` and dropped from ``independent_problems``;
  ``statelint_problems(d, raw=True)`` keeps them.

Neither checks variable names; ``pysfn.asl.validator`` is meant to catch all of the above.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Messages about valid definitions: (validator, regex, why it is wrong). tests/test_validator.py
# checks that each still occurs, so the list cannot silently go stale.
FALSE_POSITIVES = [
    ("statelint", r'Field "Assign" not allowed', "Assign is allowed in JSONPath states too"),
    ("statelint", r'\.Seconds is "\{%.*%\}" but should be an Integer', "JSONata Wait Seconds is an expression"),
    ("statelint", r'\.Timestamp is "\{%.*%\}" but should be an RFC3339 timestamp',
     "JSONata Wait Timestamp is an expression"),
    ("statelint", r"\.Condition is (true|false) but should be a String",
     "statelint evaluates a {% %} Condition with no variables bound and type-checks the boolean result"),
]


def available() -> list[str]:
    names = []
    if _moto_analyser() is not None:
        names.append("moto")
    if _statelint() is not None:
        names.append("statelint")
    return names


def independent_problems(definition: dict) -> list[str]:
    """Problems found by every available independent validator, each prefixed with its name."""
    return moto_problems(definition) + statelint_problems(definition)


def moto_problems(definition: dict) -> list[str]:
    analyser = _moto_analyser()
    if analyser is None:
        return []
    try:
        analyser().analyse(json.dumps(definition))
    except Exception as exc:  # noqa: BLE001 - any exception is how it says 'invalid'
        message = str(exc).split(" With state ")[0]  # the rest is a repr of moto's state objects
        return [f"moto: {type(exc).__name__}: {message[:500]}"]
    return []


def statelint_problems(definition: dict, raw: bool = False) -> list[str]:
    lint = _statelint()
    if lint is None:
        return []
    known = [regex for name, regex, _ in FALSE_POSITIVES if name == "statelint" and not raw]
    return [f"statelint: {p}" for p in lint(definition) if not any(re.search(r, p) for r in known)]


def _moto_analyser():
    try:
        from moto.stepfunctions.parser.asl.static_analyser.static_analyser import StaticAnalyser
    except ImportError:
        return None
    return StaticAnalyser


def _statelint():
    """A function definition -> list of problems, or None if statelint is not installed."""
    try:
        from statelint.config import Config
        from statelint.linter import Linter
        from statelint.problem import ProblemType
    except ImportError:
        command = shutil.which("statelint")
        return None if command is None else (lambda definition: _statelint_command(command, definition))
    config = Config({ProblemType.FLOAT}, evaluate_jsonata=True)
    return lambda definition: Linter.validate(definition, config)


def _statelint_command(command: str, definition: dict) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(definition, f)
    try:
        run = subprocess.run([command, "--eval-jsonata", "--ignore=FLOAT", f.name],
                             capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(f.name)
    if run.returncode == 0:
        return []
    lines = [line.strip() for line in run.stdout.splitlines()[1:] if line.strip()]  # after "N errors:"
    return lines or [run.stderr.strip() or f"exit status {run.returncode}"]


if __name__ == "__main__":  # python tests/independent_validators.py FILE.json
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            for problem in independent_problems(json.load(f)):
                print(f"{path}: {problem}")
