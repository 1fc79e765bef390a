"""moto_server on 127.0.0.1 that really executes pysfn machines: ``python moto_server_oracle.py PORT``.

moto_server as shipped cannot run a pysfn machine: its ASL interpreter has no JSONata evaluator
(moto issue #10105) and it runs Lambda functions in Docker. This launcher is moto's own server
(``moto.server.main``) in a process that imported ``tests/oracle.py`` (its JSONata engine and
patches), with state machines executed (``stepfunctions.execute_state_machine``) and every Lambda
invocation served by *the zip deployed to moto's Lambda* (what ``pysfn deploy`` uploaded), unzipped
and run by a clean interpreter (``lambda_worker.LambdaWorker``: only the zip's modules importable).
Everything else is moto's: the HTTP API, executions, histories, task tokens and their
SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat, Wait and timeout timers (really waited here).

One more deviation of moto is patched (ORACLE-NOTES.md): its SendTaskFailure handler dropped the
``cause`` (the Task failed with the error and an empty cause).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import oracle  # noqa: E402 -- the patches: JSONata, variable encoding, Lambda routing, ...
from lambda_worker import LambdaWorker  # noqa: E402

_workers: dict[str, LambdaWorker] = {}
_lock = threading.Lock()
_root = Path(tempfile.mkdtemp(prefix="pysfn-moto-lambda-"))


def _function(function_name: str):
    """moto's Lambda function for a name or ARN (any account/region of this server)."""
    from moto.awslambda.models import lambda_backends
    name = function_name.split(":function:")[-1].split(":")[0]
    for account, regions in lambda_backends.items():
        for region, backend in regions.items():
            try:
                return backend.get_function(name)
            except Exception:  # noqa: BLE001 -- not in this region
                continue
    raise LookupError(f"no Lambda function {function_name!r} on this moto_server")


def invoke(function_name: str, payload) -> dict:
    """The deployed code of ``function_name`` answers ``payload`` (one worker per code version)."""
    code = _function(function_name).code_bytes
    digest = hashlib.sha256(code).hexdigest()
    with _lock:
        worker = _workers.get(digest)
        if worker is None:
            zip_path = _root / f"{digest}.zip"
            zip_path.write_bytes(code)
            worker = _workers[digest] = LambdaWorker(zip_path).__enter__()
    return worker.invoke(payload)  # one request at a time per worker (its own lock)


def _send_task_failure_with_cause(self):
    from moto.core.responses import EmptyResult
    self.stepfunction_backend.send_task_failure(self._get_param("taskToken"), error=self._get_param("error"),
                                                cause=self._get_param("cause"))
    return EmptyResult()


def main(port: str) -> None:
    from moto.core.models import default_user_config
    from moto.server import main as moto_main
    from moto.stepfunctions.responses import StepFunctionResponse
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    StepFunctionResponse.send_task_failure = _send_task_failure_with_cause
    oracle._current.invoke = invoke  # every execution of this server: the deployed zip answers
    os.environ["MOTO_PORT"] = port
    moto_main(["-H", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main(sys.argv[1])
