"""Signed delivery webhooks: WhatsApp Cloud API's and the SMS gateway's move a sent notification to delivered or failed."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from notifications.models import Notification
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
SECRET = "app-secret-123"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.WHATSAPP_APP_SECRET, settings.WHATSAPP_VERIFY_TOKEN = SECRET, "verify-me"
    settings.SMS_GATEWAY_WEBHOOK_SECRET = "sms-secret-456"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_status(message_id: str, status: str, **extra) -> bytes:
    item = {"id": message_id, "status": status, "timestamp": "1796000000", "recipient_id": "919845012345", **extra}
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "109876543210"},
                            "statuses": [item],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


@pytest.fixture
def package(package_expiring, customer):
    return package_expiring(customer, days=7)


@pytest.fixture
def sent_whatsapp(package):
    return NotificationFactory(assignment=package, channel="whatsapp", status="sent", provider_message_id="wamid.HBgM1")


def post(client, path, body, header, signature):
    return client.post(path, body, content_type="application/json", **{header: signature})


def test_the_subscription_check_answers_the_challenge_only_with_the_verify_token(client):
    good = client.get(
        "/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"}
    )
    bad = client.get("/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})

    assert (good.status_code, good.content, good["Content-Type"]) == (200, b"1158201444", "text/plain")
    assert bad.status_code == 403


def test_a_signed_delivered_status_moves_the_notification_to_delivered(client, sent_whatsapp):
    body = whatsapp_status("wamid.HBgM1", "delivered")

    response = post(client, "/webhooks/whatsapp", body, "HTTP_X_HUB_SIGNATURE_256", sign(body))

    assert response.status_code == 200 and response.json() == {"moved": 1}
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "delivered"
    assert sent_whatsapp.delivered_at == datetime.fromtimestamp(1796000000, tz=UTC)


def test_a_signed_failed_status_fails_it_with_metas_reason(client, sent_whatsapp):
    body = whatsapp_status("wamid.HBgM1", "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])

    post(client, "/webhooks/whatsapp", body, "HTTP_X_HUB_SIGNATURE_256", sign(body))

    sent_whatsapp.refresh_from_db()
    assert (sent_whatsapp.status, sent_whatsapp.error) == ("failed", "Message undeliverable")


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", None])
def test_a_bad_signature_is_403_and_writes_nothing(client, sent_whatsapp, signature):
    body = whatsapp_status("wamid.HBgM1", "delivered")
    signature = sign(body, "another-secret") if signature is None else signature

    response = post(client, "/webhooks/whatsapp", body, "HTTP_X_HUB_SIGNATURE_256", signature)

    assert response.status_code == 403
    sent_whatsapp.refresh_from_db()
    assert (sent_whatsapp.status, sent_whatsapp.delivered_at) == ("sent", None)


def test_without_an_app_secret_nothing_is_accepted(client, sent_whatsapp, settings):
    settings.WHATSAPP_APP_SECRET = ""
    body = whatsapp_status("wamid.HBgM1", "delivered")

    response = post(
        client,
        "/webhooks/whatsapp",
        body,
        "HTTP_X_HUB_SIGNATURE_256",
        "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest(),
    )

    assert response.status_code == 403
    assert Notification.objects.get().status == "sent"


def test_a_late_report_does_not_move_a_notification_back_or_one_of_another_channel(client, sent_whatsapp, package):
    NotificationFactory(assignment=package, channel="sms", status="sent", provider_message_id="wamid.HBgM2")
    Notification.objects.filter(pk=sent_whatsapp.pk).update(status="failed")
    first = whatsapp_status("wamid.HBgM1", "delivered")
    second = whatsapp_status("wamid.HBgM2", "delivered")

    post(client, "/webhooks/whatsapp", first, "HTTP_X_HUB_SIGNATURE_256", sign(first))
    post(client, "/webhooks/whatsapp", second, "HTTP_X_HUB_SIGNATURE_256", sign(second))

    assert sorted(Notification.objects.values_list("channel", "status")) == [("sms", "sent"), ("whatsapp", "failed")]


def test_the_sms_gateways_signed_delivery_reports(client, package):
    delivered = NotificationFactory(assignment=package, channel="sms", status="sent", provider_message_id="gw-1")
    failed = NotificationFactory(
        assignment=package, threshold=30, channel="sms", status="sent", provider_message_id="gw-2"
    )
    body = json.dumps(
        [
            {"message_id": "gw-1", "status": "delivered"},
            {"message_id": "gw-2", "status": "failed", "error": "DND number"},
        ]
    ).encode()

    forged = post(client, "/webhooks/sms", body, "HTTP_X_SIGNATURE_256", sign(body))
    response = post(client, "/webhooks/sms", body, "HTTP_X_SIGNATURE_256", sign(body, "sms-secret-456"))

    assert forged.status_code == 403
    assert response.json() == {"moved": 2}
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert delivered.status == "delivered" and delivered.delivered_at is not None
    assert (failed.status, failed.error) == ("failed", "DND number")


def test_a_signed_body_that_is_not_json_is_a_400(client):
    body = b"not json"

    response = post(client, "/webhooks/sms", body, "HTTP_X_SIGNATURE_256", sign(body, "sms-secret-456"))

    assert response.status_code == 400
