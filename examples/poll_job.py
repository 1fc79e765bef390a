"""Example: start a job, then poll it with waits and a bounded number of attempts.

``run_job(size, max_checks=5, pause=10)`` starts a (simulated) batch job, then checks its
status up to ``max_checks`` times, waiting ``pause`` seconds before each check. In Step
Functions each wait is a Wait state that costs nothing while it waits; natively
``PSF.wait`` returns at once, so the tests run in milliseconds.
"""

import itertools

import pysfn as PSF

_JOBS = {}
_IDS = itertools.count(1)


class JobFailed(Exception):
    pass


def start_job(size):
    job_id = f"job-{next(_IDS)}"
    _JOBS[job_id] = {"checks": 0, "ready_after": size}
    return job_id


def check_status(job_id):
    job = _JOBS[job_id]
    job["checks"] += 1
    if job["ready_after"] < 0:
        raise JobFailed(f"{job_id} crashed")
    return "DONE" if job["checks"] >= job["ready_after"] else "RUNNING"


def fetch_result(job_id):
    return {"job": job_id, "rows": 42}


@PSF.main
def run_job(size: int, max_checks: int = 5, pause: int = 10):
    job_id = start_job(size)
    checks = 0
    while checks < max_checks:
        PSF.wait(pause)
        checks += 1
        status = check_status(job_id)
        if status == "DONE":
            result = fetch_result(job_id)
            return {"result": result, "checks": checks, "waited": checks * pause}
    raise PSF.Fail("JobTimedOut", f"{job_id} not done after {max_checks} checks")
