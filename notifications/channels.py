"""How a message leaves: e-mail through Django's backend, SMS and WhatsApp through a provider.

A provider backend is picked by setting (`SMS_BACKEND`, `WHATSAPP_BACKEND`): `console`
writes the message to the log; `http` posts it to a gateway (`SMS_GATEWAY_URL`, API key
and sender from the environment) with a timeout, and sends the notification's id as the
idempotency key, so a retry of a message the gateway already took is not delivered twice.
"""
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage

from customers.validators import normalise_phone

from .messages import Message
from .models import Channel

logger = logging.getLogger("notifications")


class SendFailed(Exception):
    """The provider did not take the message; trying again may work."""


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    channel: str
    to: str  # an e-mail address or an E.164 phone
    message: Message
    stop_url: str = ""  # the one-tap opt-out (List-Unsubscribe on e-mail)
    template: object = None  # the MessageTemplate: DLT ids (SMS), approved template name (WhatsApp)
    context: dict | None = None  # the placeholders' values (a WhatsApp template's parameters)


def e164(phone: str) -> str:
    """Return a phone number as E.164 (+919845012345), or "" when it is not a phone number."""
    try:
        return normalise_phone(phone or "")
    except ValidationError:
        return ""


def email_headers(outgoing: Outgoing) -> dict:
    """The headers of a reminder e-mail: its id, and the one-click unsubscribe of RFC 2369 / RFC 8058."""
    headers = {"X-Notification-Id": str(outgoing.notification_id)}
    if outgoing.stop_url:
        headers["List-Unsubscribe"] = f"<{outgoing.stop_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


class EmailBackend:
    """E-mail through Django's EMAIL_BACKEND (console by default, SMTP by settings)."""

    # A retry after an error the SMTP server gave is safe; nothing dedups a message sent twice.
    idempotent = False

    def send(self, outgoing: Outgoing) -> str:
        email = EmailMessage(
            subject=outgoing.message.subject,
            body=outgoing.message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[outgoing.to],
            headers=email_headers(outgoing),
        )
        try:
            email.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - SMTP and socket errors alike
            raise SendFailed(f"e-mail: {exc}") from exc
        return f"email-{outgoing.notification_id}"


class ConsoleBackend:
    """Write the SMS or WhatsApp message to the log instead of sending it (development, demos)."""

    idempotent = False

    def send(self, outgoing: Outgoing) -> str:
        logger.warning("%s to %s (#%s): %s", outgoing.channel, outgoing.to, outgoing.notification_id, outgoing.message.body)
        return f"console-{outgoing.notification_id}"


class HttpGatewayBackend:
    """POST the message as JSON to an SMS/WhatsApp gateway; its answer's `message_id` is kept.

    Body: {"to", "from", "channel", "text", "reference"}; headers `Authorization: Bearer <key>`
    and `Idempotency-Key: notification-<id>`. A 2xx answer is success; anything else, a
    connection error or a timeout raises SendFailed (the caller retries with the same key).
    """

    idempotent = True

    def __init__(self, *, url: str, api_key: str, sender: str, timeout: float):
        self.url, self.api_key, self.sender, self.timeout = url, api_key, sender, timeout

    def send(self, outgoing: Outgoing) -> str:
        if not self.url:
            raise SendFailed("SMS_GATEWAY_URL is not set.")
        key = f"notification-{outgoing.notification_id}"
        try:
            response = requests.post(
                self.url,
                json={
                    "to": outgoing.to,
                    "from": self.sender,
                    "channel": outgoing.channel,
                    "text": outgoing.message.body,
                    "reference": key,
                },
                headers={"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": key},
                timeout=(self.timeout, self.timeout),
            )
        except requests.Timeout as exc:
            raise SendFailed(f"gateway timed out after {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise SendFailed(f"gateway unreachable: {exc.__class__.__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SendFailed(f"gateway answered {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json().get("message_id") or key)[:120]
        except ValueError:
            return key


def provider_backend(name: str):
    if name == "console":
        return ConsoleBackend()
    if name == "http":
        return HttpGatewayBackend(
            url=settings.SMS_GATEWAY_URL,
            api_key=settings.SMS_GATEWAY_API_KEY,
            sender=settings.SMS_GATEWAY_SENDER,
            timeout=settings.SMS_GATEWAY_TIMEOUT,
        )
    raise ValueError(f'Unknown SMS/WhatsApp backend "{name}": use "console" or "http".')


def backend_for(channel: str):
    """Return the backend that sends on `channel`, as the settings choose it now."""
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.SMS:
        return provider_backend(settings.SMS_BACKEND)
    return provider_backend(settings.WHATSAPP_BACKEND)


def address_of(customer, channel: str) -> tuple[str, str]:
    """Return (address, "") for `channel`, or ("", why not) when the customer has none."""
    if channel == Channel.EMAIL:
        email = (customer.email or "").strip()
        return (email, "") if email else ("", "The customer has no e-mail address.")
    phone = e164(customer.phone)
    return (phone, "") if phone else ("", "The customer has no phone number.")
