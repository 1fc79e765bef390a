"""An order on AWS's own services (README, "An AWS-native order").

The order is written to DynamoDB (a second order with the same id is caught by the write's
condition), an order of APPROVAL_LIMIT or more waits for a manager's answer (a callback: the
manager's tool sends SendTaskSuccess or SendTaskFailure with the task token), the payment runs as
a child workflow (order_billing.py), and the parcel is announced on SQS. Each AWS call is a Task
of the machine itself, with no Lambda in between; natively (pytest) the same calls are made with
boto3, and the test says how the manager answers (``pysfn_callbacks.respond``).
"""

import pysfn as PSF
from pysfn import aws
from order_billing import PaymentDeclined, bill

TABLE = "orders"
APPROVAL_LIMIT = 500
APPROVAL_WINDOW = 3 * 24 * 3600  # seconds the manager has


class Rejected(Exception):
    """What the manager's tool sends: SendTaskFailure(taskToken, error="Rejected", cause=why)."""


def ask_manager(token, order_id, amount):  # a callee: runs in the dispatcher Lambda
    """Tell the manager how to answer (a mail, a chat message, a ticket) -- here: nothing."""
    return None


@PSF.main
def place_order(order_id: str, amount: float, queue_url: str):
    try:
        aws.dynamodb.put_item(TableName=TABLE, Item={"id": {"S": order_id}, "state": {"S": "new"}},
                              ConditionExpression="attribute_not_exists(id)")
    except aws.dynamodb.ConditionalCheckFailedException:
        return {"order": order_id, "status": "duplicate"}
    approver = "policy"
    if amount >= APPROVAL_LIMIT:
        try:
            decision = PSF.wait_for_callback(ask_manager, order_id, amount, timeout=APPROVAL_WINDOW)
        except Rejected as e:
            return {"order": order_id, "status": "rejected", "why": str(e)}
        except PSF.Timeout:
            return {"order": order_id, "status": "expired"}
        approver = decision["by"]
    try:
        receipt = bill(order_id, amount)
    except PaymentDeclined as e:
        return {"order": order_id, "status": "declined", "why": str(e)}
    aws.dynamodb.update_item(TableName=TABLE, Key={"id": {"S": order_id}}, UpdateExpression="SET #s = :s",
                             ExpressionAttributeNames={"#s": "state"},
                             ExpressionAttributeValues={":s": {"S": "paid"}})
    aws.sqs.send_message(QueueUrl=queue_url, MessageBody=f"ship {order_id}")
    return {"order": order_id, "status": "placed", "approved_by": approver, "charged": receipt["charged"],
            "text": f"{order_id}: {receipt['charged']} charged"}
