"""The system checks on messages India allows: DLT registration of SMS templates, WhatsApp templates, no promotional words."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications.models import MessageTemplate, NotificationKind

pytestmark = pytest.mark.django_db

REGISTERED = "customer_name,package_name,left,expires_on,days_left,spa_name,spa_phone,action,page_url,stop_url"


def check_lines(code: str) -> list[str]:
    """The lines of `check --database default` (what `migrate` runs) with `code`; [] when it passes."""
    try:
        call_command("check", "--database", "default", stdout=StringIO(), stderr=StringIO())
    except SystemCheckError as refused:
        return [line for line in str(refused).splitlines() if f"({code})" in line]
    return []


def register_sms(**changes):
    for kind in NotificationKind.values:
        template, _ = MessageTemplate.objects.get_or_create(kind=kind, channel="sms", defaults={"body": "x"})
        template.body = template.body + " Your packages: {{ page_url }} Stop: {{ stop_url }}"
        template.dlt_template_id, template.dlt_entity_id = "1107170000000000001", "1101400000000000009"
        template.sender_header, template.variables = "LOTUSS", REGISTERED
        for name, value in changes.items():
            setattr(template, name, value)
        template.save()


def test_the_console_backend_needs_no_dlt_registration(settings):
    settings.SMS_BACKEND = "console"

    assert check_lines("notifications.E001") == []


def test_a_real_gateway_refuses_every_sms_template_without_its_dlt_ids(settings):
    settings.SMS_BACKEND = "http"

    lines = check_lines("notifications.E001")

    assert len(lines) == 4
    assert any(
        "The SMS template of expiry has no DLT template id, DLT entity id, sender header, registered variables" in line
        for line in lines
    )


def test_registered_templates_pass(settings):
    settings.SMS_BACKEND = "http"
    register_sms()

    assert check_lines("notifications.E001") == check_lines("notifications.E002") == []


def test_a_variable_outside_the_registered_ones_or_a_missing_opt_out_is_refused(settings):
    settings.SMS_BACKEND = "http"
    register_sms(variables="customer_name,package_name,left,expires_on,days_left,spa_name,action,page_url,stop_url")
    MessageTemplate.objects.filter(kind="expired", channel="sms").update(body="{{ spa_name }}: renew. {{ page_url }}")

    lines = check_lines("notifications.E002")

    assert len(lines) == 4  # three use spa_phone, which is not registered here; "expired" also lacks stop_url
    assert any("expired uses no unregistered variable" in line and "does not place stop_url" in line for line in lines)


def test_whatsapp_cloud_needs_its_ids_and_approved_templates(settings):
    settings.WHATSAPP_BACKEND = "cloud"
    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_TOKEN = "", "secret"

    lines = check_lines("notifications.E003")

    assert any("WHATSAPP_BACKEND is cloud but WHATSAPP_PHONE_NUMBER_ID is empty." in line for line in lines)
    assert len(lines) == 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Renew now and get 20% off!", "20% off"),
        ("A special OFFER: a free facial", "offer, free"),
        ("Big SALE, flat 500 cashback", "sale, flat 500, cashback"),
        ("Use coupon LOTUS10 for a discount", "coupon, discount"),
    ],
)
def test_a_reminder_with_promotional_words_is_refused(text, words):
    MessageTemplate.objects.filter(kind="low_balance", channel="sms").update(body=text)

    (line,) = check_lines("notifications.E005")

    assert f"The sms template of low_balance uses promotional words ({words})" in line


def test_the_default_texts_are_service_messages():
    assert check_lines("notifications.E005") == []


def test_the_admin_refuses_promotional_words_and_saves_nothing(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="admin-manager", is_staff=True, groups=["Manager"]))
    template = MessageTemplate.objects.get(kind="expiry", channel="sms")
    before = template.body

    response = client.post(
        f"/admin/notifications/messagetemplate/{template.pk}/change/",
        {"kind": "expiry", "channel": "sms", "subject": "", "body": "Hurry: free session!", "whatsapp_language": "en"},
    )

    assert response.status_code == 200
    assert "A reminder is a service message: remove the promotional words hurry, free." in response.content.decode()
    template.refresh_from_db()
    assert template.body == before
