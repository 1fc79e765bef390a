"""aws.* calls inside expressions and as a Map's element (tests/test_aws_integrations.py)."""
import pysfn as PSF
from pysfn import aws


@PSF.main
def announce(queue_url: str, messages: list):
    ids = [aws.sqs.send_message(QueueUrl=queue_url, MessageBody=m)["MessageId"] for m in messages]
    return {"sent": len(ids), "distinct": len(set(ids)) == len(ids),
            "queues": len(aws.sqs.list_queues()["QueueUrls"])}
