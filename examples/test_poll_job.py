"""Tests of the polling example, natively (and compiled under `pytest --pysfn-compiled`)."""

import pytest

import pysfn as PSF
from poll_job import JobFailed, run_job


def test_the_job_is_polled_until_done():
    result = run_job(3)
    assert result["checks"] == 3 and result["waited"] == 30 and result["result"]["rows"] == 42


def test_a_quick_job_needs_one_check():
    assert run_job(0, pause=1)["checks"] == 1


def test_the_number_of_checks_is_bounded():
    with pytest.raises(PSF.Fail) as info:
        run_job(9, max_checks=2)
    assert info.value.error == "JobTimedOut"
    assert info.value.cause.endswith("not done after 2 checks")


def test_a_crashed_job_fails_the_workflow():
    with pytest.raises(JobFailed):
        run_job(-1)


def test_the_input_is_checked():
    with pytest.raises(TypeError, match="run_job\\(\\) input 'size' must be int, not str"):
        run_job("3")
