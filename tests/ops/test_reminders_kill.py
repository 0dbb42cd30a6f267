"""The cron reminder job (`manage.py send_reminders`, no Celery), killed with SIGKILL mid-send, loses nothing.

24 SMS reminders are due; the gateway (served by this test on 127.0.0.1) answers each after
0.5 s and, as real gateways do, delivers one message per Idempotency-Key. The job is killed
while the gateway holds its fifth message. Run again at once, it sends the 19 never tried
(each send leases one row, so the dead job had leased only the one in flight): 24 of 24
delivered, none twice. The row in flight keeps its lease until NOTIFICATION_CLAIM_TIMEOUT
(5 minutes); the run after that sends it again under its own key, and the gateway drops the copy.
"""
import subprocess
import time
from collections import Counter

import pytest

from tests.gateway import Gateway
from tests.ops.conftest import MANAGE, ROOT, ProcessGroup
from tests.ops.test_reminders_worker import MAKE_PACKAGES_FOR_COUNT, ROWS, manage_shell

pytestmark = pytest.mark.ops

CUSTOMERS = 24
KILL_AT = 5  # messages the gateway has received when the job is killed
# NOTIFICATION_CLAIM_TIMEOUT is read by whoever looks at a lease: the run right after the kill
# uses the default (5 minutes, so the lease in flight is live), the last run a short one (as if
# those minutes had passed).
SHORT_CLAIM_TIMEOUT = 2  # seconds; above 2 x the gateway timeout below


class Job(ProcessGroup):
    """`manage.py send_reminders` in a process group of its own."""

    name = "send_reminders"

    def __init__(self, env: dict, log_path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self) -> "Job":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*MANAGE, "send_reminders"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        return self


@pytest.fixture
def gateway():
    server = Gateway()
    server.default, server.slow_seconds = "slow", 0.5
    yield server
    server.close()


@pytest.fixture
def job_env(ops, gateway):
    return {
        **ops.env,
        "REMINDER_CHANNELS": "sms",
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_API_KEY": "ops-key",
        "SMS_GATEWAY_TIMEOUT": "0.9",
        "NOTIFICATION_CLAIM_TIMEOUT": "300",
    }


def run_job(env: dict) -> str:
    done = subprocess.run(
        [*MANAGE, "send_reminders"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"send_reminders failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def per_phone(gateway: Gateway) -> Counter:
    """How many messages each phone received from a gateway that delivers one per Idempotency-Key."""
    return Counter(request["body"]["to"] for request in gateway.delivered().values())


def test_a_reminder_job_killed_mid_send_delivers_every_message_once_when_run_again(
    ops, job_env, gateway, tmp_path
):
    manage_shell(job_env, MAKE_PACKAGES_FOR_COUNT.replace("COUNT", str(CUSTOMERS)))

    job = Job(job_env, tmp_path / "send_reminders.log")
    ops.servers.append(job)  # stopped at teardown, its log shown if the test fails
    job.start()
    deadline = time.monotonic() + 60
    while len(gateway.requests) < KILL_AT:
        assert time.monotonic() < deadline and job.running, f"the job never reached the gateway:\n{job.tail()}"
        time.sleep(0.02)
    job.kill9()  # the gateway is holding message KILL_AT: the job dies waiting for its answer
    assert len(gateway.requests) == KILL_AT

    # Run again at once: every message the dead job never tried goes now.
    output = run_job(job_env)
    assert f"{CUSTOMERS - KILL_AT} sent, 0 failed." in output, output
    rows = manage_shell(job_env, ROWS)
    assert len(rows) == CUSTOMERS
    assert len(gateway.delivered()) == CUSTOMERS
    assert set(per_phone(gateway).values()) == {1}
    assert sorted(per_phone(gateway)) == sorted(row["recipient"] for row in rows)
    in_flight = [row for row in rows if row["status"] != "sent"]
    assert [(row["status"], row["attempts"]) for row in in_flight] == [("queued", 1)]  # still leased

    # Once its lease has expired, the next run sends it again under its own key; the gateway drops the copy.
    time.sleep(SHORT_CLAIM_TIMEOUT + 1)
    output = run_job({**job_env, "NOTIFICATION_CLAIM_TIMEOUT": str(SHORT_CLAIM_TIMEOUT)})
    assert "1 interrupted gateway send(s) released for retry" in output and "1 sent, 0 failed." in output, output
    rows = manage_shell(job_env, ROWS)
    assert {row["status"] for row in rows} == {"sent"}
    assert len(gateway.requests) == CUSTOMERS + 1
    assert Counter(r["headers"]["Idempotency-Key"] for r in gateway.requests).most_common(1)[0] == (
        f"notification-{in_flight[0]['id']}", 2,
    )
    assert len(gateway.delivered()) == CUSTOMERS and set(per_phone(gateway).values()) == {1}
