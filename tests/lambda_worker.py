"""The dispatcher Lambda, for tests: the real zip, imported by a clean interpreter.

``LambdaWorker(zip_path)`` unzips the package and starts ``python -I -S`` (no site-packages,
so the pysfn installed for the tests cannot be imported: only the zip's copy can) with the
unzip directory alone on ``sys.path``. Requests go over stdin/stdout, one JSON line each.
A response is ``{"ok": result}`` or ``{"errorType": ..., "errorMessage": ...}``, which is how the
Lambda Python runtime reports an unhandled exception (``type(e).__name__``, ``str(e)``).
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

BOOTSTRAP = r"""
import json, sys
root = sys.argv[1]
sys.path.insert(0, root)
import handler, pysfn
if not pysfn.__file__.startswith(root):
    raise SystemExit("pysfn was imported from " + pysfn.__file__ + ", not from the package")
print(json.dumps({"ready": True, "pysfn": pysfn.__file__}), flush=True)
for line in sys.stdin:
    event = json.loads(line)["event"]
    try:
        response = {"ok": handler.dispatch(event, None)}
        text = json.dumps(response)
    except Exception as e:
        text = json.dumps({"errorType": type(e).__name__, "errorMessage": str(e)})
    print(text, flush=True)
"""


class LambdaWorkerError(RuntimeError):
    pass


class LambdaWorker:
    def __init__(self, zip_path):
        self._dir = tempfile.TemporaryDirectory(prefix="pysfn-lambda-")
        self.root = Path(self._dir.name)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(self.root)
        self.process = None
        self.pysfn_file = None
        self._lock = threading.RLock()

    def __enter__(self) -> "LambdaWorker":
        if self.process is None:
            # stderr goes to a file: a pipe nobody reads could fill up and stall the worker.
            self._stderr = tempfile.TemporaryFile(mode="w+")
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", BOOTSTRAP, str(self.root)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                cwd=self.root)
            self.pysfn_file = self._read()["pysfn"]
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def _read(self, timeout: float = 120) -> dict:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.process.kill()
            raise LambdaWorkerError(f"the Lambda worker did not answer in {timeout} s:\n{self._stderr_text()}")
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=5)
            raise LambdaWorkerError(f"the Lambda worker died:\n{self._stderr_text()}")
        return json.loads(line)

    def invoke(self, event) -> dict:
        # One request at a time: the oracle runs Parallel branches and Map iterations on threads,
        # and interleaved requests on one pipe would swap (or lose) responses.
        with self._lock:
            self.__enter__()
            self.process.stdin.write(json.dumps({"event": event}) + "\n")
            self.process.stdin.flush()
            return self._read()

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
            self.process.stdout.close()
            self._stderr.close()
            self.process = None
        self._dir.cleanup()
