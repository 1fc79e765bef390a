"""The dispatcher Lambda, in-process: the very handler the zip contains, for local runs.

``InProcessDispatcher(source_path)`` renders ``handler.py`` exactly as ``gen_lambda`` does and
loads it as a module next to the user's module (already imported, or imported from its directory),
so a local run goes through the same ``dispatch`` code: the same allow-list, the same event
checks, the same error names. ``invoke(function_name, payload)`` answers like the Lambda
runtime: ``{"ok": result}`` or ``{"errorType": ..., "errorMessage": ...}``.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path

from pysfn.compiler.extraction import extracted_module_name
from pysfn.packaging.zipper import render_handler


def import_module_from(path: Path) -> types.ModuleType:
    """Import the module at ``path`` by name, with its directory on ``sys.path``."""
    path = Path(path).resolve()
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    module = importlib.import_module(path.stem)
    if Path(module.__file__).resolve() != path:
        raise ImportError(f"importing '{path.stem}' loads {module.__file__}, not {path}: rename the module")
    return module


def error_payload(e: Exception) -> dict:
    """The Lambda runtime's error payload, plus (local runs only) the handler's note of how to
    raise the exception again (``pysfn.failures``): the Cause of the failed Task carries it."""
    payload = {"errorType": type(e).__name__, "errorMessage": str(e)}
    record = getattr(e, "__pysfn_exception__", None)
    if isinstance(record, dict):
        from pysfn.failures import RECORD_KEY
        payload[RECORD_KEY] = record
    return payload


class InProcessDispatcher:
    def __init__(self, source_path, callees: list[str], extracted: str | None = None, module=None):
        if module is not None:
            # The module a test imported (maybe as pkg.flow): the handler's `import flow` must find
            # that very object, or a monkeypatch of its callees would not be seen.
            sys.modules.setdefault(Path(source_path).stem, module)
        self.module = import_module_from(Path(source_path))
        if extracted:  # the generated module of extracted code, as the zip would hold it
            name = extracted_module_name(Path(source_path).stem)
            generated = types.ModuleType(name)
            generated.__file__ = f"<{name}>"
            exec(compile(extracted, generated.__file__, "exec"), generated.__dict__)  # our generated code
            sys.modules[name] = generated
        code = render_handler(Path(source_path).stem, callees)  # the name the zip imports it by
        self.handler = types.ModuleType(f"pysfn_handler_{self.module.__name__}")
        self.handler.__file__ = f"<handler of {self.module.__name__}>"
        exec(compile(code, self.handler.__file__, "exec"), self.handler.__dict__)  # our generated code

    def invoke(self, function_name: str, payload) -> dict:
        try:
            result = self.handler.dispatch(payload, None)
        except Exception as e:  # reported as the Lambda runtime reports an unhandled error
            return error_payload(e)
        try:
            json.dumps(result, allow_nan=False)  # NaN/Infinity: not JSON, Step Functions cannot read it
        except (TypeError, ValueError) as e:  # the Lambda runtime cannot send it back either
            return {"errorType": "Runtime.MarshalError", "errorMessage": f"Unable to marshal response: {e}"}
        return {"ok": result}
