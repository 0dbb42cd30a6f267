"""Each provider adapter against a local fake: the SMS gateway (DLT), WhatsApp's Cloud API and an SMTP server.

Each checks the exact request, then the answers: success, an error (4xx, 5xx), a timeout and a hang.
"""

import email
import email.policy
from io import StringIO

import pytest
from django.core.management import call_command

from customers.consent import ask_words, consent_record, stop_url
from notifications.models import MessageTemplate, Notification
from tests.gateway import Gateway, SmtpGateway

pytestmark = pytest.mark.django_db


def send_reminders(on_date) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", on_date.isoformat(), stdout=out)
    return out.getvalue()


def the_row():
    row = Notification.objects.get()
    return row.status, row.attempts, row.error


# --- SMS gateway, with the DLT registration ------------------------------------------------------


@pytest.fixture
def dlt_expiry():
    template = MessageTemplate.objects.get(kind="expiry", channel="sms")
    template.body = (
        "{{ spa_name }}: your {{ package_name }} expires on {{ expires_on }}. See {{ page_url }} Stop: {{ stop_url }}"
    )
    template.dlt_template_id, template.dlt_entity_id = "1107170000000000001", "1101400000000000009"
    template.sender_header, template.variables = "LOTSPA", "spa_name,package_name,expires_on,page_url,stop_url"
    template.save()
    return template


def test_a_dlt_registered_sms_goes_with_its_ids_header_and_variables_in_order(
    gateway, settings, customer, package_expiring, today, dlt_expiry
):
    settings.REMINDER_CHANNELS = ["sms"]
    package = package_expiring(customer, days=7)

    send_reminders(today)

    (request,) = gateway.requests
    body = request["body"]
    assert request["path"] == "/messages"
    assert request["headers"]["Content-Type"] == "application/json"
    assert set(body) == {"to", "from", "channel", "text", "reference", "dlt_template_id", "dlt_entity_id", "variables"}
    assert (body["from"], body["dlt_template_id"], body["dlt_entity_id"]) == (
        "LOTSPA",
        "1107170000000000001",
        "1101400000000000009",
    )
    spa, name, expires, page, stop = body["variables"]
    assert (spa, name) == (settings.SPA_NAME, package.package_name)
    assert expires == f"{package.expires_on.day} {package.expires_on:%b %Y}"
    assert page.startswith(f"{settings.SITE_URL}/my/") and stop == stop_url(customer, "sms")
    # The registered text carries the links itself: nothing is added after it.
    assert body["text"] == f"{spa}: your {name} expires on {expires}. See {page} Stop: {stop}"


def test_a_4xx_from_the_sms_gateway_fails_at_once_without_retries(gateway, settings, customer, package_expiring, today):
    settings.REMINDER_CHANNELS = ["sms"]
    gateway.script = ["400"]
    package_expiring(customer, days=7)

    send_reminders(today)

    status, attempts, error = the_row()
    assert (status, attempts, len(gateway.requests)) == ("failed", 1, 1)
    assert error.startswith("gateway answered 400")


def test_a_hanging_sms_gateway_is_given_up_within_the_timeout_and_failed(
    gateway, settings, customer, package_expiring, today
):
    settings.REMINDER_CHANNELS, settings.NOTIFICATION_MAX_ATTEMPTS = ["sms"], 1
    gateway.script = ["hang"]
    package_expiring(customer, days=7)

    send_reminders(today)

    assert the_row() == ("failed", 1, "gateway timed out after 0.3 s")


# --- WhatsApp Cloud API --------------------------------------------------------------------------


@pytest.fixture
def whatsapp(settings, customer):
    server = Gateway()
    server.answer = lambda count: {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "919845012345", "wa_id": "919845012345"}],
        "messages": [{"id": f"wamid.HBgM{count}"}],
    }
    port = server.server.server_address[1]
    settings.WHATSAPP_BACKEND, settings.REMINDER_CHANNELS = "cloud", ["whatsapp"]
    settings.WHATSAPP_API_URL = f"http://127.0.0.1:{port}/v21.0/"
    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_TOKEN = "109876543210", "EAAG-test-token"
    settings.WHATSAPP_TIMEOUT = 0.3
    MessageTemplate.objects.filter(kind="expiry", channel="whatsapp").update(
        whatsapp_template="package_expiry_v2",
        whatsapp_language="en_IN",
        variables="customer_name,package_name,expires_on,page_url",
    )
    consent_record(customer=customer, channel="whatsapp", status="given", how="counter", words=ask_words("whatsapp"))
    yield server
    server.close()


def test_whatsapp_sends_the_approved_template_with_its_parameters(
    whatsapp, customer, package_expiring, today, settings
):
    customer.phone = "+919845012345"
    customer.save()
    package = package_expiring(customer, days=7)

    send_reminders(today)

    (request,) = whatsapp.requests
    assert request["path"] == "/v21.0/109876543210/messages"
    assert request["headers"]["Authorization"] == "Bearer EAAG-test-token"
    assert request["headers"]["Content-Type"] == "application/json"
    parameters = request["body"]["template"]["components"][0]["parameters"]
    assert request["body"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919845012345",
        "type": "template",
        "template": {
            "name": "package_expiry_v2",
            "language": {"code": "en_IN"},
            "components": [{"type": "body", "parameters": parameters}],
        },
    }
    assert [p["type"] for p in parameters] == ["text"] * 4
    assert [p["text"] for p in parameters[:3]] == [
        customer.name,
        package.package_name,
        f"{package.expires_on.day} {package.expires_on:%b %Y}",
    ]
    assert parameters[3]["text"].startswith(f"{settings.SITE_URL}/my/")
    row = Notification.objects.get()
    assert (row.status, row.provider_message_id, row.attempts) == ("sent", "wamid.HBgM1", 1)


def test_a_whatsapp_4xx_fails_at_once_with_metas_reason(whatsapp, customer, package_expiring, today):
    whatsapp.script = ["400"]
    package_expiring(customer, days=7)

    send_reminders(today)

    status, attempts, error = the_row()
    assert (status, attempts, len(whatsapp.requests)) == ("failed", 1, 1)
    assert "WhatsApp answered 400" in error and "Template name does not exist" in error


def test_a_whatsapp_5xx_is_retried_and_then_sent(whatsapp, customer, package_expiring, today):
    whatsapp.script = ["500"]
    package_expiring(customer, days=7)

    send_reminders(today)

    assert len(whatsapp.requests) == 2
    assert the_row() == ("sent", 2, "")


def test_a_slow_whatsapp_times_out_and_is_failed_after_the_attempts(
    whatsapp, customer, package_expiring, today, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    whatsapp.script = ["slow", "slow"]
    package_expiring(customer, days=7)

    send_reminders(today)

    assert the_row() == ("failed", 2, "WhatsApp timed out after 0.3 s")


def test_a_hanging_whatsapp_is_given_up_within_the_timeout(whatsapp, customer, package_expiring, today, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    whatsapp.script = ["hang"]
    package_expiring(customer, days=7)

    send_reminders(today)

    assert the_row() == ("failed", 1, "WhatsApp timed out after 0.3 s")


def test_without_an_approved_template_nothing_is_posted_and_the_message_fails(
    whatsapp, customer, package_expiring, today
):
    MessageTemplate.objects.filter(kind="expiry", channel="whatsapp").update(whatsapp_template="")
    package_expiring(customer, days=7)

    send_reminders(today)

    assert whatsapp.requests == []
    status, attempts, error = the_row()
    assert (status, attempts) == ("failed", 1)
    assert error.startswith("No approved WhatsApp template")


# --- e-mail over SMTP ------------------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    server = SmtpGateway()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 0.5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.REMINDER_CHANNELS = ["email"]
    yield server
    server.close()


def test_an_email_reaches_the_smtp_server_with_the_one_click_unsubscribe_headers(
    smtp, settings, customer, package_expiring, today
):
    package_expiring(customer, days=7)

    send_reminders(today)

    (message,) = smtp.messages
    parsed = email.message_from_string(message["data"], policy=email.policy.default)  # unfolds long headers
    row = Notification.objects.get()
    assert message["to"] == [customer.email]
    assert message["from"].strip("<>") == settings.DEFAULT_FROM_EMAIL
    assert parsed["List-Unsubscribe"].strip() == f"<{stop_url(customer, 'email')}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["X-Notification-Id"] == str(row.pk)
    assert parsed["Subject"].strip().startswith("Your 3+1 Facial Package")
    assert (row.status, row.attempts) == ("sent", 1)


def test_an_smtp_refusal_is_retried_as_today(smtp, customer, package_expiring, today):
    smtp.script = ["550"]
    package_expiring(customer, days=7)

    send_reminders(today)

    assert len(smtp.messages) == 1
    assert the_row() == ("sent", 2, "")


def test_a_hanging_smtp_server_is_given_up_within_the_timeout(smtp, customer, package_expiring, today, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    smtp.script = ["hang"]
    package_expiring(customer, days=7)

    send_reminders(today)

    status, attempts, error = the_row()
    assert (status, attempts) == ("failed", 1)
    assert "timed out" in error
