"""One dispatcher interface: the same calling code against native, compiled-local and Step Functions."""

from __future__ import annotations

import os

import boto3
import pytest
from moto import mock_aws

from differential import EXAMPLES, import_workflow
from pysfn.dispatchers import LocalDispatcher, NativeDispatcher, StepFunctionsDispatcher, WorkflowFailed

SOURCE = EXAMPLES / "analyse_text.py"


def summarise_all(dispatcher, texts):
    """Calling code that knows nothing of the backend."""
    handles = [dispatcher.dispatch_async({"text": t}) for t in texts]
    results = []
    for handle in handles:
        try:
            results.append(handle.result(timeout=60)["summary"])
        except WorkflowFailed as e:
            results.append(f"{e.error}: {e.cause}")
    return results


@pytest.fixture(params=["native", "local"])
def dispatcher(request):
    if request.param == "native":
        return NativeDispatcher(import_workflow(SOURCE))
    return LocalDispatcher(SOURCE)


def test_the_same_code_gets_the_same_answers(dispatcher):
    assert summarise_all(dispatcher, ["a quick fox", "dogs bark", "   "]) == [
        "A Quick Fox: 3 words, 4 vowels, 2 spaces (via pysfn)",
        "UnsupportedText: only texts starting with a, b or c are analysed",
        "MalformedText: the text is empty"]
    assert dispatcher.dispatch({"text": "cats"}) == {"summary": "cats", "style": "short"}
    with pytest.raises(WorkflowFailed) as info:
        dispatcher.dispatch({"txt": "typo"})
    assert info.value.error == "TypeError" and info.value.cause == "summarise() missing required input 'text'"


def test_step_functions_backend_starts_and_reports_the_end(monkeypatch):
    """moto keeps executions RUNNING (it cannot run the Lambda); stopping one ends it as ABORTED."""
    for key, value in {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        from pysfn.deploy import deploy
        deploy(SOURCE, "texts")
        backend = StepFunctionsDispatcher("texts", poll_seconds=0.05)
        handle = backend.dispatch_async({"text": "a b"})
        assert ":execution:texts:" in handle.execution_id and not handle.done()
        boto3.client("stepfunctions").stop_execution(executionArn=handle.execution_id, error="Stopped",
                                                     cause="by the test")
        with pytest.raises(WorkflowFailed) as info:
            handle.result(timeout=10)
        assert info.value.error in ("Stopped", "States.Aborted")  # moto drops the error of a stop
