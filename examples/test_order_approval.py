"""Tests of the AWS-native order example against moto's mock AWS: natively, and compiled under
`pytest --pysfn-compiled` (the service calls, the manager's callback and the child workflow run in
pysfn's interpreter, against the same mock services). tests/test_example_orders.py runs the
compiled machine in the independent oracle too."""

import boto3
import pytest
from moto import mock_aws

import pysfn as PSF
from order_approval import TABLE, Rejected, ask_manager, place_order

REGION = "us-east-1"


@pytest.fixture
def queue_url(monkeypatch):
    """A fresh mock AWS with the orders table and the shipping queue; yields the queue's URL."""
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        yield boto3.client("sqs").create_queue(QueueName="shipping")["QueueUrl"]


def state_of(order_id):
    return boto3.client("dynamodb").get_item(TableName=TABLE, Key={"id": {"S": order_id}})["Item"]["state"]["S"]


def shipped(queue_url):
    messages = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return sorted(m["Body"] for m in messages.get("Messages", []))


def test_a_small_order_is_placed_without_asking(queue_url, pysfn_callbacks):
    assert place_order("o-1", 120.5, queue_url) == {
        "order": "o-1", "status": "placed", "approved_by": "policy", "charged": 122.91,
        "text": "o-1: 122.91 charged"}
    assert (state_of("o-1"), shipped(queue_url)) == ("paid", ["ship o-1"])


def test_the_same_order_twice_is_a_duplicate(queue_url, pysfn_callbacks):
    place_order("o-2", 10.0, queue_url)
    assert place_order("o-2", 10.0, queue_url) == {"order": "o-2", "status": "duplicate"}
    assert shipped(queue_url) == ["ship o-2"]


def test_a_big_order_waits_for_the_manager(queue_url, pysfn_callbacks):
    asked = []
    pysfn_callbacks.respond(ask_manager, lambda token, order_id, amount: asked.append(amount) or {"by": "Zoë"})
    result = place_order("o-3", 500.0, queue_url)
    assert result == {"order": "o-3", "status": "placed", "approved_by": "Zoë", "charged": 510.0,
                      "text": "o-3: 510.0 charged"}
    assert asked == [500.0] and shipped(queue_url) == ["ship o-3"]


def test_a_rejected_order_is_not_charged(queue_url, pysfn_callbacks):
    def reject(token, order_id, amount):
        raise Rejected("over budget 👍")
    pysfn_callbacks.respond(ask_manager, reject)
    assert place_order("o-4", 900.0, queue_url) == {"order": "o-4", "status": "rejected", "why": "over budget 👍"}
    assert (state_of("o-4"), shipped(queue_url)) == ("new", [])


def test_an_unanswered_order_expires(queue_url, pysfn_callbacks):
    def never(token, order_id, amount):
        raise PSF.Timeout()
    pysfn_callbacks.respond(ask_manager, never)
    assert place_order("o-5", 700.0, queue_url) == {"order": "o-5", "status": "expired"}


def test_a_declined_payment_comes_back_from_the_child_workflow(queue_url, pysfn_callbacks):
    pysfn_callbacks.respond(ask_manager, lambda token, order_id, amount: {"by": "ann"})
    assert place_order("o-6", 20000.0, queue_url) == {
        "order": "o-6", "status": "declined", "why": "o-6: 20000.0 is over the card's limit"}
    assert (state_of("o-6"), shipped(queue_url)) == ("new", [])
