"""One message leased at a time: a job killed mid-send loses at most the message in flight.

"Killed" here is a `SystemExit` from the e-mail backend on the third message: nothing of ours
catches it, so the rows are left as a kill -9 leaves them (tests/ops/test_reminders_kill.py
does it with a real kill -9 of the command).
"""
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_send
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
PACKAGES = 5


class DyingEmailBackend(LocmemBackend):
    """Django's test backend, whose process dies (SystemExit) while sending the third message of a run."""

    sent = 0

    def send_messages(self, messages):
        DyingEmailBackend.sent += 1
        if DyingEmailBackend.sent == 3:
            raise SystemExit("killed while sending")
        return super().send_messages(messages)


def send_reminders(on_date) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", on_date.isoformat(), stdout=out)
    return out.getvalue()


def states():
    return list(Notification.objects.order_by("pk").values_list("status", "attempts", "claimed_at"))


@pytest.fixture
def five_due(settings, package_expiring):
    settings.REMINDER_CHANNELS = ["email"]
    for _ in range(PACKAGES):
        package_expiring(CustomerFactory(), days=7)


def test_a_reminder_job_killed_mid_send_leaves_only_the_message_in_flight_leased(five_due, settings, today):
    settings.EMAIL_BACKEND = "tests.notifications.test_leases.DyingEmailBackend"
    DyingEmailBackend.sent = 0

    with pytest.raises(SystemExit):
        send_reminders(today)

    rows = states()
    assert [(status, attempts) for status, attempts, _ in rows] == [
        ("sent", 1), ("sent", 1), ("queued", 1), ("queued", 0), ("queued", 0),
    ]
    assert [claimed is not None for _, _, claimed in rows] == [False, False, True, False, False]

    # The next run sends the two never tried; the e-mail in flight keeps its lease.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = send_reminders(today)

    assert "2 sent, 0 failed." in output
    assert [status for status, _, _ in states()] == ["sent", "sent", "queued", "sent", "sent"]
    assert len(mail.outbox) == 4


def test_an_expired_email_lease_is_marked_interrupted_not_sent_again(five_due, settings, today):
    settings.EMAIL_BACKEND = "tests.notifications.test_leases.DyingEmailBackend"
    DyingEmailBackend.sent = 0
    with pytest.raises(SystemExit):
        send_reminders(today)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT + 1)
    Notification.objects.filter(claimed_at__isnull=False).update(claimed_at=long_ago)

    output = send_reminders(today)

    # The e-mail may have gone before the kill; nothing can tell, so it is not sent twice.
    assert "0 interrupted gateway send(s) released for retry, 1 interrupted send(s) marked failed." in output
    interrupted = Notification.objects.get(status="failed")
    assert (interrupted.attempts, interrupted.claimed_at) == (1, None)
    assert interrupted.error.startswith("Interrupted while sending")
    assert Notification.objects.filter(status="sent").count() == PACKAGES - 1


def test_an_expired_gateway_lease_is_taken_again_by_the_next_send_with_the_same_key(
    gateway, settings, customer, package_expiring, today
):
    settings.REMINDER_CHANNELS = ["sms"]
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    sms = Notification.objects.get()
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT + 1)
    Notification.objects.filter(pk=sms.pk).update(claimed_at=long_ago, attempts=1)  # its worker died

    report = notifications_send([sms.pk])  # what a redelivered Celery task runs: no recovery pass first

    sms.refresh_from_db()
    assert report.sent == [sms.pk]
    assert (sms.status, sms.attempts, sms.claimed_at) == ("sent", 2, None)
    assert [r["headers"]["Idempotency-Key"] for r in gateway.requests] == [f"notification-{sms.pk}"]


def test_a_live_lease_is_left_to_its_worker(gateway, settings, customer, package_expiring, today):
    settings.REMINDER_CHANNELS = ["sms"]
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    sms = Notification.objects.get()
    Notification.objects.filter(pk=sms.pk).update(claimed_at=timezone.now() - timedelta(seconds=10), attempts=1)

    assert notifications_send([sms.pk]).sent == []
    assert gateway.requests == []
