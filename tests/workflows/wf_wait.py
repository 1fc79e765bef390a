"""Waits: PSF.wait(seconds) with a constant or an expression, time.sleep, PSF.wait(until=...)."""
import time

import pysfn as PSF


@PSF.main
def waits(pause=2, until="2020-01-01T00:00:00Z"):
    PSF.wait(1)
    PSF.wait(pause * 2)
    time.sleep(0.5)
    PSF.wait(until=until)
    return "woke up"


CASES = [{}, {"pause": 0}, {"pause": -1}]
