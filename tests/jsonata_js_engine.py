"""The JSONata reference implementation (npm ``jsonata`` 2.0.6, the version AWS implements) as a
Python callable, for the oracle's second JSONata engine.

A Node process (``tests/jsonata_js/worker.js``) is started on first use and kept for the whole
test session: one JSON request per line in, one reply per line out (see the worker for the
protocol). Starting Node costs ~50 ms; a request costs well under a millisecond, so the oracle
can send every expression moto evaluates.

The package is installed by ``.ci/run`` (``npm ci`` in ``tests/jsonata_js/``); nothing is
committed under ``node_modules``. A missing install fails loudly with the command to run.
"""

from __future__ import annotations

import atexit
import json
import math
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "jsonata_js"
VERSION = "2.0.6"


class JSONataJSError(Exception):
    """An evaluation error of the reference implementation: ``code`` (e.g. ``T2001``) and its message.

    ``str()`` is the bare message, like jsonata-python's ``JException``, so that the causes moto
    builds from either engine read the same (``JException(message)``)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# moto writes the cause as f"{type(ex).__name__}({ex})": name the class as jsonata-python does.
JException = type("JException", (JSONataJSError,), {})


class _Undefined:
    """The result of an expression that evaluated to nothing (JSONata's undefined)."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED = _Undefined()


class _Function:
    def __repr__(self) -> str:
        return "FUNCTION"


FUNCTION = _Function()


def _revive(value: Any) -> Any:
    """Undo the worker's tags for values JSON cannot hold (-0, inf, nan)."""
    if isinstance(value, dict):
        if set(value) == {"__pysfn_negzero__"}:
            return -0.0
        if set(value) == {"__pysfn_nonfinite__"}:
            return {"Infinity": math.inf, "-Infinity": -math.inf}.get(value["__pysfn_nonfinite__"], math.nan)
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


class Worker:
    """One Node process serving evaluations, one at a time (callers may be several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("the jsonata-js oracle engine needs Node.js on PATH")
        if not (FOLDER / "node_modules" / "jsonata" / "package.json").exists():
            raise RuntimeError(f"the jsonata npm package is not installed: run `npm ci` in {FOLDER}")
        proc = subprocess.Popen([node, str(FOLDER / "worker.js")], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        self._proc = proc
        installed = self._request_locked({"version": 1})["value"]
        if installed != VERSION:
            self.close()
            raise RuntimeError(f"the oracle is pinned to jsonata {VERSION} (npm), not {installed}")
        return proc

    def _request_locked(self, request: dict) -> dict:
        proc = self._proc
        proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the jsonata-js worker died (exit code {proc.poll()})")
        return json.loads(line)

    def request(self, request: dict) -> dict:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            return self._request_locked(request)

    def evaluate(self, expression: str, bindings: dict | None = None) -> Any:
        """The value of ``expression``; ``UNDEFINED`` for nothing, ``FUNCTION`` for a function;
        raises ``JException`` (a ``JSONataJSError``) with the engine's code and message."""
        request: dict = {"expr": expression}
        if bindings:
            request["bindings"] = bindings
        reply = self.request(request)
        if "error" in reply:
            error = reply["error"]
            raise JException(error.get("code") or "UNKNOWN", error.get("message") or "")
        if reply.get("undefined"):
            return UNDEFINED
        if reply.get("function"):
            return FUNCTION
        return _revive(reply["value"]) if reply.get("special") else reply["value"]

    def version(self) -> str:
        return self.request({"version": 1})["value"]

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


_worker = Worker()
atexit.register(_worker.close)


def evaluate(expression: str, bindings: dict | None = None) -> Any:
    return _worker.evaluate(expression, bindings)


def version() -> str:
    return _worker.version()
