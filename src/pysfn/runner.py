"""Compile a workflow and run it locally: the glue behind ``pysfn run`` and the pytest plugin.

The machine runs in pysfn's own interpreter (``pysfn.local``); its Lambda Tasks go, in-process,
through the handler that ``gen_lambda`` would put in the zip (``packaging.inprocess``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pysfn import failures
from pysfn.compiler import compile_file
from pysfn.packaging.inprocess import InProcessDispatcher


@dataclass
class LocalWorkflow:
    source_path: Path
    entry: str
    definition: dict
    dispatcher: InProcessDispatcher
    raises: dict = field(default_factory=dict)  # Fail state -> class raised there (failures.raise_sites)

    @classmethod
    def from_source(cls, source_path, entry: str | None = None, module=None) -> "LocalWorkflow":
        return cls.from_compiled(compile_file(source_path, entry=entry), module)

    @classmethod
    def from_compiled(cls, compiled, module=None) -> "LocalWorkflow":
        """From a ``CompileResult``: its machine, served by its module's in-process handler
        (``module``: the module object already imported from that file, when there is one)."""
        return cls(compiled.source_path, compiled.entry, compiled.definition,
                   InProcessDispatcher(compiled.source_path, compiled.callees,
                                       compiled.extracted_source, module),
                   failures.raise_sites(compiled.definition, compiled.workflow))

    def run(self, inp, **options):
        """Run the compiled machine on ``inp``: a ``pysfn.local.ExecutionResult``. Callbacks
        (``PSF.wait_for_callback``) are answered by the responders registered with
        ``PSF.callbacks.respond``, as natively."""
        from pysfn import callbacks
        from pysfn.local import run_definition
        options.setdefault("respond", callbacks.answer)
        return run_definition(self.definition, json.loads(json.dumps(inp)), self.dispatcher.invoke, **options)

    def call(self, **kwargs):
        """Like calling the entry function: the output, or the failure raised as an exception."""
        result = self.run(kwargs)
        if result.status == "SUCCEEDED":
            return result.output
        raise self.exception(result)

    def exception(self, result) -> BaseException:
        """The exception CPython would have raised for the failed ``result`` (``pysfn.failures``)."""
        last = result.record.path[-1] if result.record.path else None
        raised_as = self.raises.get(last)
        cause = result.cause
        if raised_as is None and last is not None and self._is_fail_state(last):  # raised again
            cause = failures.caught_cause(result.record.events, result.error, cause) or cause
        return failures.exception_for(result.error, cause, self.dispatcher.module, raised_as=raised_as)

    def _is_fail_state(self, name: str) -> bool:
        return any(n == name for n, _ in failures.fail_states(self.definition))


# Kept here for callers of the first versions (pysfn.dispatchers, tests): see pysfn.failures.
error_message = failures.error_message
exception_for = failures.exception_for
