"""tests/workflows/wf_wait.py in sfnx's language."""
from typing import TypedDict

from sfnx import state_machine, wait


class Input(TypedDict):
    pause: int
    until: str


@state_machine
def waits(input: Input):
    pause: int = input.get("pause", 2)
    until: str = input.get("until", "2020-01-01T00:00:00Z")
    wait(1)
    wait(pause * 2)
    wait(1)  # time.sleep(0.5): pysfn waits ceil(0.5) = 1 s; sfnx takes whole seconds only
    wait(until=until)
    return "woke up"
