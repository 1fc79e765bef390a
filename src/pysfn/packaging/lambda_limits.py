"""Lambda's limits on a deployment package (Lambda quotas, "Deployment package (.zip file archive)
size"): 50 MB zipped for a direct upload (``ZipFile`` in CreateFunction/UpdateFunctionCode),
250 MB unzipped in any case (code from S3 included).

A package over 250 MB unzipped can never run: ``build_zip_bytes`` refuses it. One over 50 MB
zipped needs S3: ``pysfn package`` says so, ``pysfn deploy`` (which uploads directly) refuses it
before any AWS call, and ``pysfn template`` (code from S3) serves it.
"""

from __future__ import annotations

MB = 1024 * 1024
MAX_DIRECT_UPLOAD = 50 * MB
MAX_UNZIPPED = 250 * MB


def unzipped_problem(total: int) -> str | None:
    if total > MAX_UNZIPPED:
        return (f"the package would be {total / MB:,.1f} MB unzipped; Lambda accepts at most 250 MB unzipped: "
                "keep large data outside the code (S3) or move dependencies to a layer")
    return None


def direct_upload_note(zip_size: int) -> str | None:
    if zip_size > MAX_DIRECT_UPLOAD:
        return (f"the zip is {zip_size / MB:,.1f} MB; Lambda accepts at most 50 MB as a direct upload: upload it "
                "to S3 and deploy with `pysfn template` (CodeBucket/CodeKey); `pysfn deploy` refuses it")
    return None
