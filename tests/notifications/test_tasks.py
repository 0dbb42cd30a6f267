"""The Celery side without a broker: beat's two daily jobs, run eagerly as `make run` does."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from notifications.models import Notification
from notifications.tasks import send_reminders
from packages.models import PackageAssignment
from packages.tasks import expire_packages
from spa_pkg.celery import app

pytestmark = pytest.mark.django_db


def test_beat_runs_the_expiry_sweep_and_the_reminders_daily_at_the_reminder_hour():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert {entry["task"] for entry in schedule.values()} == {
        "packages.tasks.expire_packages", "notifications.tasks.send_reminders", "packages.tasks.fold_journal",
    }
    for entry in schedule.values():
        if entry["task"] == "packages.tasks.fold_journal":
            # The journal's daily summary (docs/journal.md): every quarter of an hour.
            assert entry["schedule"].minute == {0, 15, 30, 45}
        else:
            assert entry["schedule"].hour == {settings.REMINDER_HOUR}
    assert app.conf.timezone == settings.TIME_ZONE
    assert {
        "packages.tasks.expire_packages", "notifications.tasks.send_reminders", "packages.tasks.fold_journal",
    } <= set(app.tasks)


def test_without_a_broker_the_reminder_task_runs_in_process_and_sends(customer, package_expiring):
    package_expiring(customer, days=7)

    result = send_reminders.delay()

    assert result.get() == {"written": 2, "queued": 0, "released": 0, "interrupted": 0}
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 1


def test_without_a_broker_the_expiry_task_runs_in_process_and_the_worker_sends_its_notices(
    customer, package_expiring, django_capture_on_commit_callbacks, run_worker
):
    package = package_expiring(customer, days=1)
    PackageAssignment.objects.filter(pk=package.pk).update(expires_on=package.expires_on - timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_packages.delay().get() == 1
    assert run_worker() == ["notifications.tasks.deliver_notifications"]

    assert Notification.objects.filter(kind="expired", status="sent").count() == 2


def test_a_send_task_whose_worker_dies_goes_back_to_redis_within_the_visibility_timeout():
    from notifications.tasks import BACKOFF_SECONDS, send_notification

    # Acknowledged only after it ran: a killed worker's task is not lost, and is redelivered ...
    assert send_notification.acks_late and send_notification.reject_on_worker_lost
    assert send_reminders.acks_late and send_reminders.reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    # ... after the visibility timeout (Redis' default is an hour) ...
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout == settings.CELERY_VISIBILITY_TIMEOUT == 900
    # ... which outlasts every retry countdown (or Redis would hand a waiting retry to a second
    # worker) and the lease of the message the dead worker held, so the redelivered task can take it.
    assert max(BACKOFF_SECONDS) < timeout
    assert timeout > settings.NOTIFICATION_CLAIM_TIMEOUT
    assert app.conf.broker_transport_options["global_keyprefix"]
