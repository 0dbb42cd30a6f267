"""The server is killed with SIGKILL in the middle of a billing load, restarted, and billing goes on.

PostgreSQL must roll back whatever the dead workers had not committed: afterwards every
balance equals its ledger (`reconcile_packages`), the invoice and receipt numbers have no gap
and no duplicate, and clients that retry with the same Idempotency-Key get exactly one invoice
per key, whether their first attempt had committed (200, the first invoice) or not (201).
"""
import http.client
import threading
import time
import uuid
from collections import Counter

import pytest

from tests.ops.conftest import (
    MANAGER,
    assert_numbers_gapless,
    assert_reconciled,
    bill_body,
    customer_packages,
    token_for,
)

pytestmark = pytest.mark.ops

SESSIONS = 40  # a 30+10 package: the load spends sessions before, across and after the crash
REQUESTS = 60
THREADS = 6
KILL_AFTER = 20  # invoices answered before the kill
RETRY_FOR = 90.0  # seconds a client keeps retrying one key


def sell_big_package(server, token):
    """A new customer holding a 40-session package of the Hydrating Facial, sold through the API.

    Returns the customer, service and assignment ids and how many invoices the sale made.
    """
    reply = server.request("GET", "/api/services?search=Hydrating%20Facial", token=token)
    assert reply.status == 200 and reply.body["count"] == 1, reply
    service_id = reply.body["results"][0]["id"]
    reply = server.request("POST", "/api/service-packages", {
        "name": "Ops 30+10 Facial", "pay_for": SESSIONS - 10, "total_services": SESSIONS, "validity_months": 6,
    }, token=token)
    assert reply.status == 201, reply
    template_id = reply.body["package"]["id"]
    reply = server.request("POST", "/api/customers", {"name": "Crash Test", "phone": "98450 99001"}, token=token)
    assert reply.status == 201, reply
    customer_id = reply.body["id"]
    reply = server.request("POST", "/packages/api/assign-and-pay", {
        "assignment": {"customer_id": customer_id, "package_type": "service_package", "package_id": template_id,
                       "service_id": service_id},
        "payment": {"collect": True, "method": "upi", "reference": "UPI-OPS-1"},
    }, token=token)
    assert reply.status == 201, reply
    sale_invoices = 1 if reply.body.get("invoice_id") else 0  # a session package is sold on a tax invoice
    return customer_id, service_id, reply.body["assignment_id"], sale_invoices


def test_billing_survives_a_kill_9_of_the_server(ops):
    (server,) = ops.start_servers("crash")
    token = token_for(server, *MANAGER)
    customer_id, service_id, assignment_id, sale_invoices = sell_big_package(server, token)
    body = bill_body(customer_id, service_id)

    keys = [f"crash-{uuid.uuid4().hex}" for _ in range(REQUESTS)]
    outcomes = [None] * REQUESTS  # (final reply, [errors before it])
    errors = []
    answered = threading.Semaphore(0)
    lock = threading.Lock()
    in_flight = [0]

    def bill_until_answered(index):
        failures = []
        deadline = time.monotonic() + RETRY_FOR
        while True:
            with lock:
                in_flight[0] += 1
            try:
                reply = server.request(
                    "POST", "/integrated-billing/invoices", body, token=token,
                    headers={"Idempotency-Key": keys[index]}, timeout=30,
                )
                return reply, failures
            except (OSError, http.client.HTTPException) as exc:
                # What a till does when the server vanishes: wait a moment, send the same key again.
                failures.append(type(exc).__name__)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
            finally:
                with lock:
                    in_flight[0] -= 1

    def client(first):
        try:
            for index in range(first, REQUESTS, THREADS):
                outcomes[index] = bill_until_answered(index)
                answered.release()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"client {first}: {exc!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(first,)) for first in range(THREADS)]
    for thread in threads:
        thread.start()
    for _ in range(KILL_AFTER):
        assert answered.acquire(timeout=120), f"the load stalled before the kill: {errors}"
    with lock:
        cut = in_flight[0]
    returncode = server.kill9()
    killed_at = time.monotonic() - started
    server.start().wait_ready()
    down_for = time.monotonic() - started - killed_at
    for thread in threads:
        thread.join(timeout=240)
    elapsed = time.monotonic() - started

    assert not any(thread.is_alive() for thread in threads), "a client thread is stuck"
    assert errors == []
    assert returncode == -9, f"the server ended with {returncode}, not by SIGKILL"
    interrupted = [(index, failures) for index, (_, failures) in enumerate(outcomes) if failures]
    cut_mid_request = [
        index for index, failures in interrupted
        if any(name != "ConnectionRefusedError" for name in failures)
    ]
    assert cut > 0 and cut_mid_request, (
        f"the kill hit no request in flight ({cut} in flight, interrupted: {interrupted})"
    )

    replies = [reply for reply, _ in outcomes]
    bad = [(index, reply) for index, reply in enumerate(replies) if reply.status not in (200, 201)]
    assert bad == [], f"{len(bad)} bills failed for good"
    # 200 only for a retried key whose first attempt had committed before the kill.
    assert all(reply.status == 201 or outcomes[index][1] for index, reply in enumerate(replies))
    invoice_ids = [reply.body["invoice_id"] for reply in replies]
    assert len(set(invoice_ids)) == REQUESTS, f"keys sharing an invoice: {Counter(invoice_ids).most_common(3)}"

    covered = sum(1 for reply in replies if reply.body["lines"][0]["package_applied"] is not None)
    assert covered == SESSIONS, f"{covered} sessions covered, the package had {SESSIONS}"
    (package,) = customer_packages(server, token, customer_id)
    assert package["assignment_id"] == assignment_id
    assert (package["status"], package["sessions"]) == (
        "completed", {"total": SESSIONS, "used": SESSIONS, "remaining": 0}
    ), package

    # Exactly one invoice per key in the database (besides the package's own sale), nothing
    # half-written by the dead workers.
    reply = server.request("GET", f"/api/invoices?customer={customer_id}", token=token)
    assert reply.status == 200 and reply.body["count"] == REQUESTS + sale_invoices, (
        f"{reply.body.get('count')} invoices stored for {REQUESTS} keys and {sale_invoices} package sale"
    )
    numbers = assert_numbers_gapless(ops)
    reconciled = assert_reconciled(ops)
    statuses = Counter(reply.status for reply in replies)
    print(
        f"ops: {REQUESTS} bills ({THREADS} client threads), server killed -9 after {KILL_AFTER} answers at "
        f"{killed_at:.1f} s with {cut} request(s) in flight, back after {down_for:.1f} s, done in {elapsed:.1f} s; "
        f"{len(interrupted)} bills retried ({len(cut_mid_request)} cut mid-request; {statuses[200]} had committed "
        f"before the kill, {statuses[201]} created); {len(numbers['invoices'])} invoices and "
        f"{len(numbers['receipts'])} receipts gapless; {reconciled}"
    )
