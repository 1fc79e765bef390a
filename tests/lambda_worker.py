"""The dispatcher Lambda, for tests: the real zip, imported by a clean interpreter.

``LambdaWorker(zip_path)`` unzips the package and starts ``python -I -S`` (no site-packages, so
the pysfn installed for the tests cannot be imported: only the zip's copy can) with the unzip
directory alone in front of the standard library on ``sys.path``. Requests go over stdin/stdout,
one JSON line each: ``{"event": ...}`` in, and out ``{"ok": result}`` or
``{"errorType": ..., "errorMessage": ...}``, which is how the Lambda Python runtime reports an
unhandled exception (``type(e).__name__``, ``str(e)``).

    with LambdaWorker(zip_path) as worker:
        assert worker.invoke({"callee": "get_summary", "args": ["a tale"]}) == {"ok": ...}
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
# The protocol has stdout to itself; what callees print goes to stderr (CloudWatch, on AWS).
protocol, sys.stdout = sys.stdout, sys.stderr
root = sys.argv[1]
sys.path.insert(0, root)
import handler, pysfn
if not pysfn.__file__.startswith(root):
    raise SystemExit("pysfn was imported from " + pysfn.__file__ + ", not from the package")
print(json.dumps({"ready": True, "pysfn": pysfn.__file__, "sys_path": sys.path}), file=protocol, flush=True)
for line in sys.stdin:
    event = json.loads(line)["event"]
    try:
        text = json.dumps({"ok": handler.dispatch(event, None)})
    except Exception as e:
        text = json.dumps({"errorType": type(e).__name__, "errorMessage": str(e)})
    print(text, file=protocol, flush=True)
"""


class LambdaWorkerError(RuntimeError):
    """The worker process died or hung; the message carries its stderr."""


class LambdaWorker:
    def __init__(self, zip_path, timeout: float = 120):
        self.timeout = timeout
        self._dir = tempfile.TemporaryDirectory(prefix="pysfn-lambda-")
        self.root = Path(self._dir.name)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(self.root)
        self.process = None
        self.pysfn_file = None  # where the worker imported pysfn from (inside self.root)
        self.sys_path = None
        self._lock = threading.RLock()

    def __enter__(self) -> "LambdaWorker":
        with self._lock:
            if self.process is None:
                # stderr goes to a file: a pipe nobody reads could fill up and stall the worker.
                self._stderr = tempfile.TemporaryFile(mode="w+")
                self.process = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-c", BOOTSTRAP, str(self.root)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                    cwd=self.root)
                ready = self._read()
                self.pysfn_file, self.sys_path = ready["pysfn"], ready["sys_path"]
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def _died(self) -> LambdaWorkerError:
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return LambdaWorkerError(f"the Lambda worker died (exit status {self.process.returncode}):\n"
                                 f"{self._stderr_text()}")

    def _read(self) -> dict:
        ready, _, _ = select.select([self.process.stdout], [], [], self.timeout)
        if not ready:
            self.process.kill()
            raise LambdaWorkerError(f"the Lambda worker did not answer in {self.timeout} s:\n"
                                    f"{self._stderr_text()}")
        line = self.process.stdout.readline()
        if not line:
            raise self._died()
        return json.loads(line)

    def invoke(self, event) -> dict:
        """Run ``handler.dispatch(event, None)`` in the worker; the Lambda runtime's response."""
        # One request at a time: the oracle runs Parallel branches and Map iterations on threads,
        # and interleaved requests on one pipe would swap (or lose) responses.
        with self._lock:
            self.__enter__()
            try:
                self.process.stdin.write(json.dumps({"event": event}) + "\n")
                self.process.stdin.flush()
            except BrokenPipeError:
                raise self._died() from None
            return self._read()

    def close(self) -> None:
        with self._lock:
            if self.process is not None:
                try:
                    self.process.stdin.close()
                except BrokenPipeError:
                    pass
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
                self.process.stdout.close()
                self._stderr.close()
                self.process = None
            self._dir.cleanup()
