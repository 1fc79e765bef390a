"""A mutation fuzzer for the compiler: real workflows, broken in small ways.

The seeds are the example workflows and the test workflows; each mutant is one of them with one
small change, at the level of lines or of the AST:

* lines: delete one, duplicate one, swap two (indentation and all: most mutants are syntax or
  indentation errors, which must be located too);
* statements: delete one (``pass`` if the body would be empty), duplicate one, swap two of the
  same body;
* expressions: replace one expression with another one taken from the same module (a name by a
  call, a constant by a comprehension...), which reaches the deep corners of the front end.

``check(source, filename)`` compiles a mutant in-process and classifies the outcome: ``compiled``
(the definition passed the validator), ``rejected`` (a CompileError whose every diagnostic points
into the source and has a hint), or a finding: ``internal`` (InternalCompilerError: the compiler
produced invalid ASL), ``crash`` (any other exception: a traceback for the user), ``hang``
(more than ``TIMEOUT`` seconds), ``unlocated`` (a diagnostic outside the source).
"""

from __future__ import annotations

import ast
import random
import shutil
import signal
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pysfn.asl.validator import validate
from pysfn.compiler import CompileError, InternalCompilerError, compile_source

ROOT = Path(__file__).resolve().parent.parent
SEED_DIRS = (ROOT / "examples", ROOT / "tests" / "workflows")
TIMEOUT = 20  # seconds per mutant: generous (the machine is shared); a hang is a finding


def seeds() -> list[Path]:
    """The workflow modules the mutants come from (modules with a @PSF.main entry; not
    examples/broken.py, whose mistake is on purpose: README shows its diagnostic)."""
    return sorted(p for d in SEED_DIRS for p in d.glob("*.py")
                  if not p.name.startswith("test_") and p.name != "broken.py"
                  and "PSF.main" in p.read_text(encoding="utf-8"))


def copy_seed_dirs(into: Path) -> dict[Path, Path]:
    """The seed directories copied under ``into`` (local modules included): seed -> its copy."""
    copies = {}
    for d in SEED_DIRS:
        target = into / d.name
        shutil.copytree(d, target, ignore=shutil.ignore_patterns("__pycache__"))
    for seed in seeds():
        copies[seed] = into / seed.parent.name / seed.name
    return copies


# ---------------------------------------------------------------------------------------------
# Mutations

def _line_mutation(source: str, rng: random.Random) -> str:
    lines = source.split("\n")
    if len(lines) < 2:
        return source
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.choice(("delete", "duplicate", "swap"))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _bodies(tree: ast.AST) -> list[list[ast.stmt]]:
    found = []
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                found.append(body)
        for handler in getattr(node, "handlers", []) or []:
            found.append(handler.body)
        for case in getattr(node, "cases", []) or []:
            found.append(case.body)
    return found


def _expression_slots(tree: ast.AST) -> list[tuple[ast.AST, str, int | None]]:
    """(parent, field, index) of every expression in the tree that can be replaced."""
    slots = []
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if isinstance(value, ast.expr) and not isinstance(value, (ast.Starred,)):
                slots.append((parent, name, None))
            elif isinstance(value, list):
                slots += [(parent, name, k) for k, item in enumerate(value) if isinstance(item, ast.expr)]
    return slots


def _ast_mutation(source: str, rng: random.Random) -> str | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    kind = rng.choice(("delete", "duplicate", "swap", "replace", "replace"))
    if kind == "replace":
        slots = _expression_slots(tree)
        if len(slots) < 2:
            return None
        parent, name, index = rng.choice(slots)
        donor_parent, donor_name, donor_index = rng.choice(slots)
        donor = getattr(donor_parent, donor_name)
        donor = donor if donor_index is None else donor[donor_index]
        import copy
        replacement = copy.deepcopy(donor)
        if isinstance(getattr(parent, name) if index is None else getattr(parent, name)[index], ast.expr):
            target_ctx = getattr(getattr(parent, name) if index is None else getattr(parent, name)[index], "ctx", None)
            if target_ctx is not None and hasattr(replacement, "ctx"):
                replacement.ctx = target_ctx
        if index is None:
            setattr(parent, name, replacement)
        else:
            getattr(parent, name)[index] = replacement
    else:
        bodies = _bodies(tree)
        if not bodies:
            return None
        body = rng.choice(bodies)
        i = rng.randrange(len(body))
        if kind == "delete":
            del body[i]
            if not body:
                body.append(ast.Pass())
        elif kind == "duplicate":
            import copy
            body.insert(i, copy.deepcopy(body[i]))
        else:
            j = rng.randrange(len(body))
            body[i], body[j] = body[j], body[i]
    try:
        return ast.unparse(ast.fix_missing_locations(tree))
    except Exception:  # noqa: BLE001 -- a replacement ast.unparse cannot write (a ctx mismatch...)
        return None


# Statements that have broken the compiler before (issue 16) or sit at its edges, spliced into a
# random body of the seed: names they read may not exist there, which is part of the point.
SNIPPETS = [
    "x = -1e999", "if x < 1e999:\n    pass", "y = 9007199254740993", "y = 1j", "y = b'bytes'",
    "y = '\u2028\x0b\x0c\x1c\x85'", "y = [" * 70 + "1" + "]" * 70, "y = " + " + ".join(["1"] * 300),
    "global y", "nonlocal y", "return", "break", "continue", "yield 1", "await x", "del x",
    "y = lambda v: v", "y = (z := 1)", "y = [i for i in range(3) if i]", "y = {k: v for k, v in {}.items()}",
    "raise PSF.Fail('', '')", "raise PSF.Fail('States.Tiemout', 'c')", "raise", "assert x, 'm'",
    "y = PSF.parallel()", "y = PSF.map(len, [])", "PSF.wait(-1)", "PSF.wait(1e999)", "PSF.wait(seconds=10**12)",
    "y = PSF.with_retry_spec(len, (1,), ([''], 1, 3))", "y = PSF.with_retry_spec(len, (1,), (['States.ALL'], 0, -1))",
    "try:\n    pass\nexcept:\n    pass", "try:\n    pass\nfinally:\n    return 1",
    "while True:\n    pass", "for i in range(10 ** 9):\n    pass", "for i in 5:\n    pass",
    "match x:\n    case {'a': 1, **rest}:\n        pass", "with open('f') as fh:\n    pass",
    "y = x[1:2:0]", "y = x[::-1]", "y = f'{x!r:>{10}}'", "y = str(1.5)", "y = 1 if x else 2",
    "y = x.append(x)", "x.append(x)", "y = {**x}", "y = [*x]", "y = x @ x", "y = not not not x",
    "y = x < 1 < 2 < 3 > 0", "y = -(-(-(x)))", "async def inner():\n    pass", "class K:\n    pass",
    "import os", "from math import *", "def inner(x, /, y, *, z):\n    return x",
]


def _splice(source: str, rng: random.Random) -> str | None:
    try:
        tree = ast.parse(source)
        snippet = ast.parse(rng.choice(SNIPPETS)).body
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    bodies = _bodies(tree)
    if not bodies:
        return None
    body = rng.choice(bodies)
    body[rng.randrange(len(body) + 1):0] = snippet
    try:
        return ast.unparse(ast.fix_missing_locations(tree))
    except Exception:  # noqa: BLE001
        return None


def mutate(source: str, rng: random.Random) -> str:
    """One mutant of ``source``: a hostile splice one time in five, otherwise AST mutations two
    times out of three and line mutations the rest."""
    if rng.random() < 0.2:
        mutant = _splice(source, rng)
        if mutant is not None:
            return mutant
    if rng.random() < 2 / 3:
        mutant = _ast_mutation(source, rng)
        if mutant is not None and mutant != source:
            return mutant
    return _line_mutation(source, rng)


# ---------------------------------------------------------------------------------------------
# Checking one mutant

class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def check(source: str, filename: str) -> tuple[str, str]:
    """(outcome, detail): see the module docstring."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        result = compile_source(source, filename)
    except CompileError as e:
        lines = source.count("\n") + 1 + source.count("\r")
        for d in e.diagnostics:
            if d.loc.file != filename or not 1 <= d.loc.line <= max(lines, 1) or not d.hint:
                return "unlocated", e.render()
        return "rejected", e.diagnostics[0].message
    except InternalCompilerError as e:
        return "internal", str(e)
    except _Timeout:
        return "hang", f"more than {TIMEOUT} s"
    except BaseException as e:  # noqa: BLE001 -- exactly what must never reach a user
        if isinstance(e, KeyboardInterrupt):
            raise
        return "crash", "".join(traceback.format_exception(type(e), e, e.__traceback__)[-6:])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    problems = validate(result.definition)
    if problems:
        return "internal", "; ".join(problems)
    return "compiled", ""


@dataclass
class Report:
    outcomes: Counter = field(default_factory=Counter)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (outcome, seed, detail, source)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def run(count: int, seed: int, workdir: Path, keep_going: bool = True) -> Report:
    """``count`` mutants (derandomized by ``seed``), compiled next to copies of their seeds."""
    rng = random.Random(seed)
    copies = copy_seed_dirs(workdir)
    texts = {path: path.read_text(encoding="utf-8") for path in copies}
    originals = sorted(texts)
    report = Report()
    for _ in range(count):
        original = rng.choice(originals)
        mutant = mutate(texts[original], rng)
        if rng.random() < 0.25:  # a second mutation now and then: further from the seed
            mutant = mutate(mutant, rng)
        outcome, detail = check(mutant, str(copies[original]))
        report.outcomes[outcome] += 1
        if outcome not in ("compiled", "rejected"):
            report.findings.append((outcome, original.name, detail, mutant))
            if not keep_going:
                break
    return report
