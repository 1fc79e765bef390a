"""boto3 clients, and AWS errors turned into one line a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class AwsError(Exception):
    """An AWS call failed; the message says what to do about it (no traceback)."""


@dataclass
class Aws:
    """The clients of one account and region (or of a local endpoint such as moto or LocalStack)."""
    region: str | None = None
    endpoint_url: str | None = None

    def __post_init__(self):
        import re
        import urllib.parse

        import boto3
        if self.endpoint_url is not None:
            url = urllib.parse.urlsplit(self.endpoint_url)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise AwsError(f"--endpoint-url {self.endpoint_url!r} is not a URL such as http://127.0.0.1:5000")
        try:
            self.session = boto3.session.Session(region_name=self.region)
        except Exception as e:  # noqa: BLE001 -- a broken profile or config file
            raise explain(e, "reading the AWS configuration") from None
        region = self.session.region_name
        if region is None:
            raise AwsError("no AWS region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", region):  # botocore's region rule
            raise AwsError(f"--region {region!r} is not a region name such as eu-west-1")
        self._clients: dict = {}

    def client(self, service: str):
        """A client, built inside the error wrapper: a bad endpoint, region or partial credentials
        are one line, not a traceback."""
        if service not in self._clients:
            try:
                self._clients[service] = self.session.client(service, endpoint_url=self.endpoint_url)
            except Exception as e:  # noqa: BLE001
                raise explain(e, f"creating the {service} client") from None
        return self._clients[service]


def explain(error: Exception, doing: str) -> AwsError:
    """``error`` (from boto3) as one line, saying what pysfn was ``doing``."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, \
        PartialCredentialsError
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return AwsError(f"no AWS credentials while {doing}: configure them (aws configure, AWS_PROFILE or "
                        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)")
    if isinstance(error, EndpointConnectionError):
        return AwsError(f"cannot reach AWS while {doing}: {error}")
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
            return AwsError(f"no permission for {doing}: {message}")
        if code in ("UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"):
            return AwsError(f"AWS did not accept the credentials while {doing}: {message}")
        return AwsError(f"AWS refused {doing} ({code}): {message}")
    return AwsError(f"{doing} failed: {error}")
