"""AWS service integrations called by the workflow itself (tests/test_aws_integrations.py)."""
import pysfn as PSF
from pysfn import aws

TABLE = "orders"


def shipping_label(order_id):  # a callee: runs in the dispatcher Lambda
    return f"label-{order_id}"


@PSF.main
def place(order_id: str, amount: int, queue_url: str):
    try:
        aws.dynamodb.put_item(TableName=TABLE, Item={"id": {"S": order_id}, "amount": {"N": str(amount)}},
                              ConditionExpression="attribute_not_exists(id)")
    except aws.dynamodb.ConditionalCheckFailedException as e:
        return {"status": "duplicate", "id": order_id, "why": str(e)}
    got = aws.dynamodb.get_item(TableName=TABLE, Key={"id": {"S": order_id}})
    label = shipping_label(order_id)
    sent = aws.sqs.send_message(QueueUrl=queue_url, MessageBody=label)
    queues = aws.sqs.list_queues()  # no optimized integration: aws-sdk:sqs:listQueues
    return {"status": "placed", "item": got["Item"], "sent": "MessageId" in sent,
            "queues": len(queues["QueueUrls"])}


def lookup(table: str):  # compiled with --entry lookup
    """A service error nobody catches fails the execution under Step Functions' name for it."""
    return aws.dynamodb.get_item(TableName=table, Key={"id": {"S": "x"}})
