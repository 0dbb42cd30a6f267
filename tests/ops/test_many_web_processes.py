"""Two gunicorn servers (two workers each) on one PostgreSQL database and one Redis.

If anything that matters lived in process memory (balances, numbering, idempotency,
throttle counters), these four processes would disagree; they must behave as one shop.
"""
import threading
import time
import uuid
from collections import Counter

import pytest

from tests.ops.conftest import (
    CASHIER,
    LOGIN_FAILURE_LIMIT,
    PRIYA_PHONE,
    TOKEN_LIMIT,
    assert_consecutive,
    assert_numbers_gapless,
    assert_reconciled,
    bill_body,
    customer_packages,
    token_for,
)

pytestmark = pytest.mark.ops

REQUESTS = 48  # one session each, against a package of four
THREADS = 12


def seeded_facial_package(server, token):
    """seed_demo's Priya Sharma and her 3+1 Facial Package (four sessions, none used)."""
    reply = server.request("GET", "/api/customers?search=" + PRIYA_PHONE.replace(" ", "%20"), token=token)
    assert reply.status == 200 and reply.body["count"] == 1, reply
    customer_id = reply.body["results"][0]["id"]
    packages = customer_packages(server, token, customer_id)
    assert len(packages) == 1, packages
    package = packages[0]
    assert (package["package_type"], package["status"], package["sessions"]) == (
        "service_package", "active", {"total": 4, "used": 0, "remaining": 4}
    ), package
    return customer_id, package["service_id"], package["assignment_id"]


def test_two_servers_billing_one_four_session_package_cover_exactly_four_sessions(ops):
    a, b = ops.start_servers("a", "b")
    servers = (a, b)
    token = token_for(a, *CASHIER)
    customer_id, service_id, assignment_id = seeded_facial_package(b, token)
    body = bill_body(customer_id, service_id)
    keys = [f"ops-{uuid.uuid4().hex}" for _ in range(REQUESTS)]
    replies, errors = [None] * REQUESTS, []
    barrier = threading.Barrier(THREADS)

    def client(first):
        try:
            barrier.wait(timeout=30)
            for index in range(first, REQUESTS, THREADS):
                server = servers[index % 2]
                replies[index] = (server, server.request(
                    "POST", "/integrated-billing/invoices", body, token=token,
                    headers={"Idempotency-Key": keys[index]}, timeout=60,
                ))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"client {first}: {exc!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(first,)) for first in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    elapsed = time.monotonic() - started

    assert not any(thread.is_alive() for thread in threads), "a client thread is stuck"
    assert errors == []
    refused = [(index, server.name, reply) for index, (server, reply) in enumerate(replies) if reply.status != 201]
    assert refused == [], f"{len(refused)} of {REQUESTS} bills were not created"
    assert Counter(server.name for server, _ in replies) == {"a": REQUESTS // 2, "b": REQUESTS // 2}

    lines = [reply.body["lines"][0] for _, reply in replies]
    covered = [line for line in lines if line["package_applied"] is not None]
    assert len(covered) == 4, f"{len(covered)} sessions covered by the package, not 4"
    assert all(
        (line["package_applied"]["assignment_id"], line["package_applied"]["quantity_covered"]) == (assignment_id, 1)
        for line in covered
    ), covered
    charged = [line for line in lines if line["package_applied"] is None]
    assert len(charged) == REQUESTS - 4
    assert all(line["package_note"] and float(line["total"]) > 0 for line in charged), charged[:3]

    invoice_numbers = [reply.body["invoice_number"] for _, reply in replies]
    assert_consecutive(invoice_numbers)
    assert_consecutive([reply.body["receipt_number"] for _, reply in replies])

    # Both servers read the same balance.
    for server in servers:
        (package,) = customer_packages(server, token, customer_id)
        assert (package["status"], package["sessions"]) == ("completed", {"total": 4, "used": 4, "remaining": 0}), (
            server.name, package)

    # A retry sent to the other server answers the first invoice and writes nothing.
    before = assert_numbers_gapless(ops)
    for index in (0, 1):
        first_server, first = replies[index]
        other = b if first_server is a else a
        retry = other.request(
            "POST", "/integrated-billing/invoices", body, token=token, headers={"Idempotency-Key": keys[index]}
        )
        assert retry.status == 200, retry
        assert (retry.body["invoice_id"], retry.body["invoice_number"]) == (
            first.body["invoice_id"], first.body["invoice_number"]
        )
    after = assert_numbers_gapless(ops)
    assert (len(after["invoices"]), len(after["receipts"])) == (len(before["invoices"]), len(before["receipts"]))

    reconciled = assert_reconciled(ops)
    print(
        f"ops: {REQUESTS} bills through 2 servers x 2 workers ({THREADS} client threads) in {elapsed:.1f} s "
        f"({REQUESTS / elapsed:.0f}/s): 4 covered, {len(charged)} charged, invoices "
        f"{min(invoice_numbers)}..{max(invoice_numbers)}; {reconciled}"
    )


def test_the_token_throttle_counts_across_both_servers(ops):
    a, b = ops.start_servers("a", "b")
    attempts = TOKEN_LIMIT + 4

    statuses = []
    for index in range(attempts):
        server = (a, b)[index % 2]
        # A new username each time: the sign-in lockout (per username and address) stays out of
        # the way, and only the address throttle can stop these.
        reply = server.request("POST", "/api/auth/token/", {"username": f"nobody-{index}", "password": "wrong"})
        statuses.append((server.name, reply.status, reply.headers.get("retry-after")))

    # 20 in total, not 20 per server (which would let all 24 through: 12 per server).
    assert [status for _, status, _ in statuses] == [400] * TOKEN_LIMIT + [429] * (attempts - TOKEN_LIMIT), statuses
    assert {name for name, status, _ in statuses if status == 429} == {"a", "b"}
    assert all(retry_after and int(retry_after) > 0 for _, status, retry_after in statuses if status == 429)
    # The right password is throttled too, on either server, until the window is over.
    assert b.request("POST", "/api/auth/token/", {"username": CASHIER[0], "password": CASHIER[1]}).status == 429
    # The count lives in Redis (REDIS_URL), under this test's key prefix.
    assert any("throttle_token" in key for key in ops.redis_keys()), ops.redis_keys()
    print(f"ops: token route over 2 servers: {attempts} wrong passwords -> {TOKEN_LIMIT} x 400, then 429 on both")


def test_the_sign_in_lockout_counts_across_both_servers(ops):
    a, b = ops.start_servers("a", "b")

    statuses = []
    for index in range(LOGIN_FAILURE_LIMIT + 1):
        server = (a, b)[index % 2]
        reply = server.request("POST", "/api/auth/token/", {"username": CASHIER[0], "password": f"wrong-{index}"})
        statuses.append((server.name, reply.status))

    # The LOGIN_FAILURE_LIMIT-th failure in all, whichever server took it, locks the username out
    # (axes answers that failure itself with the lockout).
    assert [status for _, status in statuses] == [400] * (LOGIN_FAILURE_LIMIT - 1) + [429, 429], statuses
    # The right password is refused on the other server too, and /login says so.
    assert a.request("POST", "/api/auth/token/", {"username": CASHIER[0], "password": CASHIER[1]}).status == 429
    print(f"ops: sign-in lockout over 2 servers: {LOGIN_FAILURE_LIMIT} failures -> locked on both")
