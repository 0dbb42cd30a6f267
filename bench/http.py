"""The HTTP phase of the bench: the counter's three calls through gunicorn, as docs/operations.md runs it.

gunicorn starts with the repository's `gunicorn.conf.py` (the production recipe) on a free
local port, against the bench database, with DEBUG off and persistent connections
(`DB_CONN_MAX_AGE`, health checks on). Each cashier is a user of the Cashier group with
an API token and customers of their own; for every cart it does what the billing page
does: GET customer-packages (active only), POST preview, POST invoices with a fresh
Idempotency-Key. One cashier first, then several at once (threads of this process, one
keep-alive connection each). The server is stopped (its whole process group) in a
`finally`, and every request has a timeout, so the phase ends in bounded time.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS = ("customer-packages", "preview", "invoices")
REQUEST_TIMEOUT = 30
PHASE_TIMEOUT = 900  # per group of cashiers: the bench is run by hand and must end
START_TIMEOUT = 30


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cashiers(count: int) -> list[tuple[int, str]]:
    """Make `count` cashiers (Cashier group, an API token each); return (user id, token key)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    group = Group.objects.get(name="Cashier")
    made = []
    for index in range(count):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-http-cashier-{index}")
        user.groups.add(group)
        made.append((user.pk, Token.objects.get_or_create(user=user)[0].key))
    return made


def bodies(cart) -> tuple[str, dict]:
    customer_id, items = cart
    body = {
        "customer_id": customer_id,
        "items": [{"type": kind, "id": pk, "quantity": quantity} for kind, pk, quantity in items],
        "use_credit": True,
        "payments": [{"method": "cash"}],
    }
    return f"/integrated-billing/customer-packages/{customer_id}?active=true", body


def queries_per_call(cart, token: str) -> dict[str, int]:
    """Count each call's statements in this process with Django's test client (same URLs, middleware, auth)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import statement_count

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    path, body = bodies(cart)
    counts = {}
    calls = {
        "customer-packages": lambda: client.get(path),
        "preview": lambda: client.post("/integrated-billing/preview", body, content_type="application/json"),
        "invoices": lambda: client.post(
            "/integrated-billing/invoices", body, content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
    }
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
        counts[name] = statement_count(queries)
    return counts


class Server:
    """gunicorn with the production config, in its own process group."""

    def __init__(self, database_url: str):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "ERROR",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "spa_pkg.wsgi"]
        self.log = open(f"/tmp/spa_pkg_bench_gunicorn_{self.port}.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                with closing(socket.create_connection(("127.0.0.1", self.port), 0.5)):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not listen on {self.port} within {START_TIMEOUT} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


class Cashier:
    """One counter: a keep-alive connection and a token."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.connection = None

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> float:
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Authorization": f"Token {self.token}", **(headers or {})}
        if payload is not None:
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=payload, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once (only a fresh request).
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.status not in (200, 201):
                raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return elapsed
        raise AssertionError("unreachable")

    def bill(self, cart, timings: dict[str, list[float]]) -> None:
        path, body = bodies(cart)
        timings["customer-packages"].append(self.call("GET", path))
        timings["preview"].append(self.call("POST", "/integrated-billing/preview", body))
        timings["invoices"].append(
            self.call("POST", "/integrated-billing/invoices", body, {"Idempotency-Key": uuid.uuid4().hex})
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _counter(port: int, token: str, carts, timings, errors) -> None:
    cashier = Cashier(port, token)
    try:
        for cart in carts:
            cashier.bill(cart, timings)
    except Exception as exc:  # noqa: BLE001 (reported by the caller)
        errors.append(exc)
    finally:
        cashier.close()


def machine_cpu() -> tuple[float, float]:
    """Return (busy, all) CPU seconds of the whole machine so far, every core added up (Linux /proc/stat)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields[:8]) - idle) / ticks, sum(fields[:8]) / ticks


def run_counters(
    port: int, tokens: list[str], carts_each: list[list]
) -> tuple[dict[str, list[float]], float, float]:
    """Run one thread per cashier; return every call's latencies by call, the wall time, and the
    cores the whole machine kept busy meanwhile (gunicorn, PostgreSQL and these clients together).
    """
    busy_before, all_before = machine_cpu()
    timings = [{name: [] for name in CALLS} for _ in tokens]
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_counter, args=(port, token, carts, timing, errors), daemon=True)
        for token, carts, timing in zip(tokens, carts_each, timings, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + PHASE_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    elapsed = time.perf_counter() - started
    busy_after, all_after = machine_cpu()
    cores = os.cpu_count() or 1
    cores_busy = cores * (busy_after - busy_before) / (all_after - all_before or 1)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"the HTTP phase took more than {PHASE_TIMEOUT} s; see the gunicorn log")
    if errors:
        raise errors[0]
    merged = {name: [value for timing in timings for value in timing[name]] for name in CALLS}
    return merged, elapsed, cores_busy


def http_phase(*, database_url: str, carts, counters: int, per_counter: int, figures) -> dict:
    """Time the three calls over HTTP for 1 cashier and for `counters` cashiers; return the rows."""
    from django.db import connections

    users = cashiers(counters)
    tokens = [token for _, token in users]
    probe = carts.pop()
    statements = queries_per_call(probe, tokens[0])
    connections.close_all()
    single = [carts.pop() for _ in range(per_counter)]
    several = [[carts.pop() for _ in range(per_counter)] for _ in range(counters)]
    server = Server(database_url)
    rows = {}
    try:
        server.wait_ready()
        # Warm every worker (imports, the first connection) before timing.
        warm = [carts.pop() for _ in range(counters)]
        run_counters(server.port, tokens, [[cart] for cart in warm])
        for label, tokens_used, carts_each in (
            ("1 cashier", tokens[:1], [single]),
            (f"{counters} cashiers", tokens, several),
        ):
            timings, elapsed, cores_busy = run_counters(server.port, tokens_used, carts_each)
            for name in CALLS:
                row = figures(timings[name], elapsed)
                row["queries"] = statements[name]
                row["cores_busy"] = cores_busy
                rows[f"{name}, {label}"] = row
    finally:
        server.stop()
    return rows
