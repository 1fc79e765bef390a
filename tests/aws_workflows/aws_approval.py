"""A manager approval by callback (tests/test_callbacks.py): the callee tells the manager where to
answer (the task token), the workflow waits for SendTaskSuccess / SendTaskFailure or the timeout."""
import pysfn as PSF

APPROVAL_WINDOW = 24 * 3600  # seconds: a module constant, read at compile time

NOTIFIED = []  # what ask_manager was asked (natively and in-process local runs)


class Rejected(Exception):
    """What the manager's tool sends with SendTaskFailure(error="Rejected", cause=why)."""


def ask_manager(token, order_id, amount):  # a callee: runs in the dispatcher Lambda
    NOTIFIED.append({"token": token, "order_id": order_id, "amount": amount})
    return f"asked about {order_id}"  # ignored: the Task's value is the answer sent with the token


def ship(order_id, approver):
    return f"{order_id} shipped, approved by {approver}"


@PSF.main
def approve(order_id: str, amount: float):
    if amount < 100:
        return {"status": "auto", "shipped": ship(order_id, "policy")}
    try:
        decision = PSF.wait_for_callback(ask_manager, order_id, amount, timeout=APPROVAL_WINDOW, heartbeat=3600)
    except Rejected as e:
        return {"status": "rejected", "why": str(e)}
    except PSF.Timeout:
        return {"status": "expired", "order_id": order_id}
    limit = decision["limit"]
    return {"status": "approved", "by": decision["by"], "limit": limit, "over": amount > limit,
            "note": f"{decision['by']} allowed {limit}", "shipped": ship(order_id, decision["by"])}


class Escalated(Exception):
    pass


def escalate(order_id: str):  # compiled with entry="escalate": short timers, really waited on moto_server
    try:
        answer = PSF.wait_for_callback(ask_manager, order_id, 0, timeout=4, heartbeat=1)
    except PSF.HeartbeatTimeout:
        return {"status": "silent", "order_id": order_id}
    return {"status": "answered", "answer": answer}  # a Timeout or another failure is not caught
