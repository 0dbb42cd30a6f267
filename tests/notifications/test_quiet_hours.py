"""Quiet hours (21:00 to 09:00 IST by default): a send due inside them waits for the window to open."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from notifications.services import quiet_until
from notifications.tasks import send_notification

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(autouse=True)
def quiet_hours(settings):
    settings.QUIET_HOURS_START, settings.QUIET_HOURS_END = "21:00", "09:00"


def at(day, hour, minute):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST)


def send_reminders(on_date) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", on_date.isoformat(), stdout=out)
    return out.getvalue()


def test_at_2330_the_reminders_wait_for_9_the_next_morning(customer, package_expiring, today):
    package_expiring(customer, days=7)

    with time_machine.travel(at(today, 23, 30), tick=False):
        output = send_reminders(today)

    rows = list(Notification.objects.values_list("status", "attempts", "next_attempt_at"))
    assert rows == [("queued", 0, at(today + timedelta(days=1), 9, 0))] * 2
    assert mail.outbox == []
    assert "2 wait for the quiet hours to end" in output


def test_at_0859_they_wait_one_minute_and_at_0900_they_go(customer, package_expiring, today):
    package_expiring(customer, days=7)

    with time_machine.travel(at(today, 8, 59), tick=False):
        send_reminders(today)
        assert set(Notification.objects.values_list("next_attempt_at", flat=True)) == {at(today, 9, 0)}
    with time_machine.travel(at(today, 9, 0), tick=False):
        output = send_reminders(today)

    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert len(mail.outbox) == 1
    assert "2 sent, 0 failed." in output


def test_rows_deferred_at_night_go_with_the_next_mornings_run(customer, package_expiring, today):
    package_expiring(customer, days=7)
    with time_machine.travel(at(today, 23, 30), tick=False):
        send_reminders(today)

    with time_machine.travel(at(today + timedelta(days=1), 9, 0), tick=False):
        send_reminders(today + timedelta(days=1))

    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_the_worker_task_run_at_night_defers_and_comes_back_at_9(customer, package_expiring, today, run_worker):
    from django_tasks_db.models import DBTaskResult

    from notifications.tasks import deliver_notifications

    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    with time_machine.travel(at(today, 22, 0), tick=False):
        deliver_notifications.enqueue()
        run_worker()
        waiting = DBTaskResult.objects.filter(status="READY").get()

    assert waiting.run_after == at(today + timedelta(days=1), 9, 0)
    assert mail.outbox == []


def test_a_celery_send_inside_quiet_hours_is_deferred_not_retried(customer, package_expiring, today):
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    email = Notification.objects.get(channel="email")

    with time_machine.travel(at(today, 21, 0), tick=False):
        outcome = send_notification.apply(args=[email.pk]).get()

    email.refresh_from_db()
    assert outcome == "deferred"
    assert (email.status, email.attempts, email.next_attempt_at) == ("queued", 0, at(today + timedelta(days=1), 9, 0))


@pytest.mark.parametrize(
    ("hour", "minute", "until"),
    [(20, 59, None), (21, 0, (1, 9)), (0, 0, (0, 9)), (8, 59, (0, 9)), (9, 0, None)],
)
def test_the_window_edges(today, hour, minute, until):
    expected = None if until is None else at(today + timedelta(days=until[0]), until[1], 0)

    assert quiet_until(at(today, hour, minute)) == expected


def test_empty_settings_mean_no_quiet_hours(settings, today):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = ""

    assert quiet_until(at(today, 23, 30)) is None
