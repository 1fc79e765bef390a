"""A workflow with a typical mistake, to show a diagnostic (README): it runs natively, but in the
state machine a value stored in a list is a copy, so the change after storing it would not show
through the list as it does in Python. `pysfn compile examples/broken.py`."""

import pysfn as PSF


def fetch(doc_id):
    return {"id": doc_id, "pages": ["a b", "c"]}


@PSF.main
def ingest(doc_ids):
    documents = []
    for doc_id in doc_ids:
        document = fetch(doc_id)
        documents.append(document)
        document["seen"] = True
    return documents
