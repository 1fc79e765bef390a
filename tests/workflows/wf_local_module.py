"""Callees from a local module, by name and through the module."""
import pysfn as PSF
import wf_helpers
from wf_helpers import HelperError, shout


@PSF.main
def local(word, table={"a": 1}):
    loud = shout(word)
    try:
        value = wf_helpers.lookup(table, word)
    except HelperError as e:
        value = str(e)
    return {"loud": loud, "value": value}


CASES = [{"word": "a"}, {"word": "b"}, {"word": "x", "table": {"x": [1]}}]
