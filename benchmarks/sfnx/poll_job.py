"""examples/poll_job.py in sfnx's language."""
from typing import TypedDict

from sfnx import aws, state_machine, wait


class Input(TypedDict):
    size: int
    max_checks: int
    pause: int


class JobTimedOut(Exception):
    error = "JobTimedOut"


@state_machine
def run_job(input: Input):
    max_checks: int = input.get("max_checks", 5)
    pause: int = input.get("pause", 10)
    job_id: str = aws.optimized.lambda_.invoke(FunctionName="start_job", Payload={"size": input["size"]})["Payload"]
    checks = 0
    while checks < max_checks:
        wait(pause)
        checks += 1
        status: str = aws.optimized.lambda_.invoke(FunctionName="check_status", Payload={"job_id": job_id})["Payload"]
        if status == "DONE":
            result = aws.optimized.lambda_.invoke(FunctionName="fetch_result", Payload={"job_id": job_id})["Payload"]
            return {"result": result, "checks": checks, "waited": checks * pause}
    raise JobTimedOut(f"{job_id} not done after {max_checks} checks")
