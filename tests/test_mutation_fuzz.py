"""Mutants of the example and test workflows compile to valid ASL or get a located error (issue 16).

A short derandomized run is part of the suite (a few seconds); run at length with
``PYSFN_MUTANTS=50000 python -m pytest tests/test_mutation_fuzz.py -s`` (``PYSFN_MUTANT_SEED`` picks
another sequence). Findings are printed with the mutant's source: zero tracebacks, zero internal
errors, zero hangs, every diagnostic inside the source with a hint.
"""

from __future__ import annotations

import os

from mutation_fuzz import check, run, seeds

COUNT = int(os.environ.get("PYSFN_MUTANTS", "120"))
SEED = int(os.environ.get("PYSFN_MUTANT_SEED", "16"))


def test_mutants_compile_or_get_a_located_error(tmp_path):
    report = run(COUNT, SEED, tmp_path)
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(report.outcomes.items()))
    print(f"\n{report.total} mutants of {len(seeds())} workflows: {summary}")
    for outcome, seed, detail, source in report.findings[:5]:
        print(f"--- {outcome} in a mutant of {seed}:\n{detail}\n{source}\n")
    assert report.total == COUNT
    assert not report.findings, f"{len(report.findings)} findings ({summary}); first: {report.findings[0][:3]}"
    assert report.outcomes["compiled"] > 0 and report.outcomes["rejected"] > 0  # both kinds are exercised


def test_the_seeds_themselves_compile(tmp_path):
    from mutation_fuzz import copy_seed_dirs
    for original, copy in copy_seed_dirs(tmp_path).items():
        assert check(original.read_text(encoding="utf-8"), str(copy)) == ("compiled", ""), original.name
