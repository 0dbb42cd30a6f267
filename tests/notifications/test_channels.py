"""The channels: the HTTP gateway adapter against a local server, retries, and the claim that keeps sends single."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from customers.consent import ask_words, consent_record
from notifications.models import Notification
from notifications.services import notifications_send, stale_claims_recover
from notifications.tasks import send_notification
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_only(settings):
    settings.REMINDER_CHANNELS = ["sms"]


def send_reminders(on_date):
    out = StringIO()
    call_command("send_reminders", "--date", on_date.isoformat(), stdout=out)
    return out.getvalue()


def test_the_gateway_receives_the_message_in_e164_with_key_sender_and_idempotency_key(
    gateway, sms_only, package_expiring, today
):
    customer = CustomerFactory(phone="+919845012345")
    package = package_expiring(customer, days=7)

    send_reminders(today)

    (request,) = gateway.requests
    sms = Notification.objects.get()
    assert request["headers"]["Authorization"] == "Bearer test-key-123"
    assert request["headers"]["Idempotency-Key"] == f"notification-{sms.pk}"
    assert request["body"]["to"] == "+919845012345"
    assert request["body"]["from"] == "LOTUSS"
    assert request["body"]["channel"] == "sms"
    assert f"expires on {package.expires_on.day} {package.expires_on:%b %Y} (7 days)" in request["body"]["text"]
    assert (sms.status, sms.provider_message_id, sms.attempts) == ("sent", "gw-1", 1)


def test_a_gateway_500_is_retried_and_the_message_goes_once(gateway, sms_only, customer, package_expiring, today):
    gateway.script = ["500"]
    package_expiring(customer, days=7)

    send_reminders(today)

    sms = Notification.objects.get()
    assert len(gateway.requests) == 2
    assert {r["headers"]["Idempotency-Key"] for r in gateway.requests} == {f"notification-{sms.pk}"}
    assert (sms.status, sms.attempts, sms.error) == ("sent", 2, "")


def test_a_gateway_timeout_is_retried_with_the_same_idempotency_key(gateway, sms_only, customer, package_expiring, today):
    gateway.script = ["slow"]
    package_expiring(customer, days=7)

    send_reminders(today)

    sms = Notification.objects.get()
    assert len(gateway.requests) == 2
    assert gateway.requests[0]["headers"]["Idempotency-Key"] == gateway.requests[1]["headers"]["Idempotency-Key"]
    assert (sms.status, sms.attempts) == ("sent", 2)


def test_a_gateway_that_keeps_failing_marks_the_message_failed_with_the_error(
    gateway, sms_only, customer, package_expiring, today, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    gateway.script = ["500"] * 5
    package_expiring(customer, days=7)

    output = send_reminders(today)

    sms = Notification.objects.get()
    assert len(gateway.requests) == 3
    assert (sms.status, sms.attempts) == ("failed", 3)
    assert sms.error.startswith("gateway answered 500")
    assert "0 sent, 1 failed." in output


def test_the_celery_send_task_retries_with_backoff_until_the_gateway_takes_it(
    gateway, sms_only, customer, package_expiring, today
):
    gateway.script = ["500", "slow"]
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    sms = Notification.objects.get()
    assert sms.status == "queued"

    conf = send_notification.app.conf
    propagates = conf.task_eager_propagates
    conf.update(CELERY_TASK_EAGER_PROPAGATES=False)  # a retry is not an error here (keys carry the CELERY_ namespace)
    try:
        result = send_notification.apply(args=[sms.pk])
    finally:
        conf.update(CELERY_TASK_EAGER_PROPAGATES=propagates)

    sms.refresh_from_db()
    assert result.get() == "sent"
    assert (len(gateway.requests), sms.status, sms.attempts) == (3, "sent", 3)


def test_a_row_claimed_by_another_worker_is_not_sent_again(sms_only, customer, package_expiring, today, gateway):
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    sms = Notification.objects.get()
    Notification.objects.filter(pk=sms.pk).update(claimed_at=timezone.now(), attempts=1)

    report = notifications_send([sms.pk])
    send_reminders(today)

    assert report.sent == [] and gateway.requests == []
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("queued", 1)


def test_a_stale_gateway_claim_is_retried_with_the_same_key_and_a_stale_email_claim_is_failed(
    customer, package_expiring, today, gateway, settings
):
    """A worker died between claim and mark: the gateway dedups by key, e-mail cannot (at most once)."""
    package_expiring(customer, days=7)
    call_command("send_reminders", "--date", today.isoformat(), "--no-send", stdout=StringIO())
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT + 1)
    Notification.objects.update(claimed_at=long_ago, attempts=1)

    assert stale_claims_recover() == (1, 1)
    send_reminders(today)

    email, sms = Notification.objects.order_by("channel")
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.error.startswith("Interrupted while sending")
    assert (sms.status, sms.attempts) == ("sent", 2)
    assert gateway.requests[0]["headers"]["Idempotency-Key"] == f"notification-{sms.pk}"
    assert mail.outbox == []


def test_whatsapp_goes_through_its_own_backend_setting(settings, customer, package_expiring, today, caplog):
    settings.REMINDER_CHANNELS = ["whatsapp"]
    consent_record(customer=customer, channel="whatsapp", status="given", how="counter", words=ask_words("whatsapp"))
    package_expiring(customer, days=7)

    with caplog.at_level("WARNING", logger="notifications"):
        send_reminders(today)

    whatsapp = Notification.objects.get()
    assert (whatsapp.channel, whatsapp.status, whatsapp.recipient) == ("whatsapp", "sent", customer.phone)
    assert any(r.getMessage().startswith(f"whatsapp to {customer.phone}") for r in caplog.records)


def test_an_email_the_backend_refuses_is_retried_then_failed(settings, customer, package_expiring, today):
    settings.REMINDER_CHANNELS = ["email"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens on port 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    package_expiring(customer, days=7)

    send_reminders(today)

    email = Notification.objects.get()
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.error.startswith("e-mail:")
