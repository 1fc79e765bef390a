"""Compile a workflow and run it locally: the glue behind ``pysfn run`` and the pytest plugin.

The machine runs in pysfn's own interpreter (``pysfn.local``); its Lambda Tasks go, in-process,
through the handler that ``gen_lambda`` would put in the zip (``packaging.inprocess``).
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from pathlib import Path

from pysfn.compiler import compile_file
from pysfn.packaging.inprocess import InProcessDispatcher
from pysfn.runtime import Fail


@dataclass
class LocalWorkflow:
    source_path: Path
    entry: str
    definition: dict
    dispatcher: InProcessDispatcher

    @classmethod
    def from_source(cls, source_path, entry: str | None = None) -> "LocalWorkflow":
        return cls.from_compiled(compile_file(source_path, entry=entry))

    @classmethod
    def from_compiled(cls, compiled) -> "LocalWorkflow":
        """From a ``CompileResult``: its machine, served by its module's in-process handler."""
        return cls(compiled.source_path, compiled.entry, compiled.definition,
                   InProcessDispatcher(compiled.source_path, compiled.callees,
                                       compiled.extracted_source))

    def run(self, inp, **options):
        """Run the compiled machine on ``inp``: a ``pysfn.local.ExecutionResult``."""
        from pysfn.local import run_definition
        return run_definition(self.definition, json.loads(json.dumps(inp)), self.dispatcher.invoke, **options)

    def call(self, **kwargs):
        """Like calling the entry function: the output, or the failure raised as an exception."""
        result = self.run(kwargs)
        if result.status == "SUCCEEDED":
            return result.output
        raise exception_for(result.error, result.cause, self.dispatcher.module)


def error_message(cause) -> str:
    """A Lambda error's Cause is JSON with ``errorMessage``; a Fail state's is the text itself."""
    if isinstance(cause, str) and cause.startswith("{"):
        try:
            parsed = json.loads(cause)
        except ValueError:
            return cause
        if isinstance(parsed, dict) and "errorMessage" in parsed:
            return str(parsed["errorMessage"])
    return cause or ""


def exception_for(error: str, cause, module=None) -> Exception:
    """The exception CPython would have raised for a failed execution, as near as it can be told.

    An error named like an exception class of the workflow module (or a builtin one) is raised
    as that class with the message; anything else (a ``PSF.Fail``, a ``States.*`` error) as
    ``PSF.Fail(error, message)``.
    """
    message = error_message(cause)
    cls = getattr(module, error, None) if module is not None else None
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = getattr(builtins, error, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and cls is not Fail:
        try:
            return cls(message)
        except Exception:  # a class that takes other arguments: report it as a Fail
            pass
    return Fail(error, message)
