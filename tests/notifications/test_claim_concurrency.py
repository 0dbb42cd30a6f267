"""Workers racing for the same queued reminders: the claim lets exactly one send each (threads, real database)."""
from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import Notification
from notifications.services import notifications_deliver
from tests.billing.test_concurrency import run_in_threads
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
PACKAGES = 12
WORKERS = 4


def test_four_workers_delivering_the_same_queue_send_each_reminder_once(settings, package_expiring, today, gateway):
    settings.REMINDER_CHANNELS = ["sms"]
    gateway.default, gateway.slow_seconds = "slow", 0.05  # let the workers overlap
    for _ in range(PACKAGES):
        package_expiring(CustomerFactory(), days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())

    results, errors = run_in_threads(lambda index: len(notifications_deliver().sent), count=WORKERS)

    assert not errors, errors
    assert sum(results) == PACKAGES
    keys = [request["headers"]["Idempotency-Key"] for request in gateway.requests]
    assert sorted(keys) == sorted(f"notification-{pk}" for pk in Notification.objects.values_list("pk", flat=True))
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
