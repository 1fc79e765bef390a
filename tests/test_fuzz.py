"""Fuzzing the compiler: every generated program compiles to valid ASL or gets a located error.

A short, derandomized run is part of the suite; explore with
``PYSFN_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py`` (fresh random programs).
Anything but a CompileResult (whose definition passed the validator) or a CompileError
pointing into the source -- an InternalCompilerError, a traceback -- is a bug.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_programs import programs
from pysfn.asl.validator import validate
from pysfn.compiler import CompileError, compile_source
from pysfn.local import InvalidDefinition, run_definition

_EXPLORE = int(os.environ.get("PYSFN_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 150, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=list(HealthCheck))


@SETTINGS
@given(source=programs())
def test_every_program_compiles_or_gets_a_located_error(source):
    try:
        result = compile_source(source, "fuzz.py")
    except CompileError as e:
        lines = source.count("\n") + 1
        for d in e.diagnostics:
            assert d.loc.file == "fuzz.py" and 1 <= d.loc.line <= lines, e.render()
            assert d.hint, e.render()
        return
    assert validate(result.definition) == []


@SETTINGS
@given(document=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                             lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                 st.sampled_from(["StartAt", "States", "Type", "Next", "End", "A", "Comment",
                                                  "QueryLanguage", "Choices", "Default", "Output"]),
                                 inner, max_size=4), max_leaves=12))
def test_the_validator_and_the_interpreter_take_any_json(document):
    problems = validate(document)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    json.dumps(problems)
    if problems and isinstance(document, dict):  # the interpreter refuses what the validator refuses
        try:
            run_definition(document, {})
        except InvalidDefinition:
            pass
        else:
            raise AssertionError(f"ran an invalid definition: {problems}")
