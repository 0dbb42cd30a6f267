"""A real Celery worker on Redis sends the reminders; killed with SIGKILL mid-run, each still goes exactly once.

The worker (with beat) runs against the test's own database and a Redis key prefix of its
own; SMS go to a gateway this test serves on 127.0.0.1, which answers each message slowly
(so the kill lands while sends are in flight) and, as real gateways do, delivers one
message per Idempotency-Key. The schedule runs twice: once before the kill, once after the
restart. Afterwards every reminder row is sent, each delivered exactly once, and the rows
the dead worker had claimed were sent again under their own key (never as a new message).
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gateway import Gateway
from tests.ops.conftest import ROOT, ProcessGroup

pytestmark = pytest.mark.ops

CUSTOMERS = 60  # at 0.5 s a message on two processes, some 15 s of sending: room to kill mid-run
KILL_AFTER = 6  # messages the gateway has received when the worker is killed
CLAIM_TIMEOUT = 4  # seconds (NOTIFICATION_CLAIM_TIMEOUT); above the gateway timeout below
WAIT_FOR = 90.0  # seconds to wait for the worker to finish

MAKE_PACKAGES_FOR_COUNT = """
import json
from datetime import timedelta
from django.utils import timezone
from catalog.models import Service
from customers.services import customer_create
from packages.models import PackageAssignment, ServicePackage
from packages.services import assignment_create
# Only this test's packages are due: the demo's are pushed out of every reminder band.
PackageAssignment.objects.update(expires_on=timezone.localdate() + timedelta(days=400))
service = Service.objects.get(name="Hydrating Facial")
template = ServicePackage.objects.order_by("pk").first()
ids = []
for number in range(COUNT):
    customer = customer_create(name=f"Reminder {number}", phone=f"+9170000{number:05d}")
    ids.append(assignment_create(
        customer=customer, template=template, service=service, expires_on=timezone.localdate() + timedelta(days=7),
    ).pk)
print(json.dumps(ids))
"""
MAKE_PACKAGES = MAKE_PACKAGES_FOR_COUNT.replace("COUNT", str(CUSTOMERS))

# The expiry reminders (the demo's own bills left low-balance and completed notices behind).
ROWS = """
import json
from notifications.models import Notification
print(json.dumps([
    {"id": n.id, "assignment_id": n.assignment_id, "status": n.status, "attempts": n.attempts,
     "recipient": n.recipient, "threshold": n.threshold, "channel": n.channel}
    for n in Notification.objects.filter(kind="expiry").order_by("pk")
]))
"""

RUN_SCHEDULE = "from notifications.tasks import send_reminders; send_reminders.delay()"


class Worker(ProcessGroup):
    """`celery -A spa_pkg worker -B` in a process group of its own."""

    name = "celery-worker"

    def __init__(self, env: dict, work: Path):
        self.env, self.work, self.process, self.starts = env, work, None, 0
        self.log_path = work / "worker.log"

    def start(self) -> "Worker":
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "spa_pkg", "worker", "-B",
                    "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                    "--hostname", f"reminders-{os.getpid()}-{self.starts}@%h",
                    "--schedule", str(self.work / "beat-schedule"),
                ],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.tail()}")
            if self.log_path.read_text(errors="replace").count(" ready.") >= self.starts:
                return self
            time.sleep(0.2)
        raise AssertionError(f"the worker was not ready within 60 s:\n{self.tail()}")


@pytest.fixture
def gateway():
    server = Gateway()
    server.default, server.slow_seconds = "slow", 0.5  # every message answered after 0.5 s
    yield server
    server.close()


@pytest.fixture
def worker_env(ops, gateway):
    return {
        **ops.env,
        "CELERY_BROKER_URL": ops.redis,
        # Under the test's own prefix, deleted with its other keys at teardown.
        "CELERY_KEY_PREFIX": f"{ops.cache_prefix}:celery:",
        "REMINDER_CHANNELS": "sms",
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": "ops-key",
        "SMS_GATEWAY_TIMEOUT": "2",
        "NOTIFICATION_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def worker(ops, worker_env, tmp_path):
    """The worker joins the stack's servers: stopped at teardown, its log shown if the test fails."""
    started = Worker(worker_env, tmp_path)
    ops.servers.append(started)
    return started


def manage_shell(env: dict, code: str):
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, f"manage.py shell failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def wait_until(check, what: str, worker: Worker, timeout: float = WAIT_FOR):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s; worker log:\n{worker.tail()}")


def test_a_worker_killed_mid_run_sends_each_reminder_exactly_once(ops, worker_env, worker, gateway):
    assignment_ids = manage_shell(worker_env, MAKE_PACKAGES)

    # First run of the schedule, through the broker; kill the worker while messages are in flight.
    worker.start()
    manage_shell(worker_env, RUN_SCHEDULE)
    wait_until(lambda: len(gateway.requests) >= KILL_AFTER, f"{KILL_AFTER} messages at the gateway", worker)
    worker.kill9()
    at_kill = len(gateway.requests)
    rows = manage_shell(worker_env, ROWS)
    assert len(rows) == CUSTOMERS, "the first run wrote one reminder per due package"
    assert at_kill < CUSTOMERS, "the worker was killed before it had sent everything"

    # The claims the dead worker left grow stale; then a new worker and the second run.
    time.sleep(CLAIM_TIMEOUT + 1)
    worker.start()
    manage_shell(worker_env, RUN_SCHEDULE)

    def all_sent():
        current = manage_shell(worker_env, ROWS)
        return current if all(row["status"] == "sent" for row in current) else None

    rows = wait_until(all_sent, "every reminder sent", worker)

    # One row per package and threshold: the second run wrote nothing new.
    assert len(rows) == CUSTOMERS
    assert sorted(row["assignment_id"] for row in rows) == sorted(assignment_ids)
    assert {(row["channel"], row["threshold"]) for row in rows} == {("sms", 7)}
    # Each reminder delivered exactly once: one delivery per row, to its own phone, none extra.
    delivered = gateway.delivered()
    assert sorted(delivered) == sorted(f"notification-{row['id']}" for row in rows)
    assert sorted(request["body"]["to"] for request in delivered.values()) == sorted(row["recipient"] for row in rows)
    # Copies the gateway dropped are the sends in flight at the kill (at most one per worker process),
    # re-sent under the same key.
    keys = [request["headers"]["Idempotency-Key"] for request in gateway.requests]
    repeated = {key for key in keys if keys.count(key) > 1}
    assert len(keys) - len(delivered) == len(repeated) <= 2
    retried = {f"notification-{row['id']}" for row in rows if row["attempts"] == 2}
    # Tried twice: only what the dead worker had claimed (at most one per process), whether its
    # request had reached the gateway (then dropped as a copy) or not.
    assert repeated <= retried and len(retried) <= 2
    assert all(row["attempts"] in (1, 2) for row in rows)
