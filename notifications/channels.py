"""How a message leaves: e-mail through Django's backend, SMS and WhatsApp through a provider.

A provider backend is picked by setting (`SMS_BACKEND`, `WHATSAPP_BACKEND`): `console`
writes the message to the log; `http` posts it to a gateway (`SMS_GATEWAY_URL`, API key
and sender from the environment) with a timeout, and sends the notification's id as the
idempotency key, so a retry of a message the gateway already took is not delivered twice;
WhatsApp's `cloud` posts an approved template to Meta's WhatsApp Cloud API (docs/messages.md).
"""
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage

from core.phones import normalise_phone

from .messages import Message
from .models import Channel

logger = logging.getLogger("notifications")


class SendFailed(Exception):
    """The provider did not take the message; trying again may work."""


class SendRefused(SendFailed):
    """The provider refused the message for good (a 4xx other than 408/429, a template it does not know):
    the notification is failed at once, without the retries."""


def _answer_error(response, who: str) -> SendFailed:
    """The exception for a non-2xx answer: refused for good on a 4xx but 408 and 429, else worth a retry."""
    text = f"{who} answered {response.status_code}: {response.text[:200]}"
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        return SendRefused(text)
    return SendFailed(text)


def _post(url: str, *, payload: dict, headers: dict, timeout: float, who: str):
    """POST JSON with `timeout` for the connection and again for the answer; SendFailed on anything but a 2xx."""
    try:
        response = requests.post(url, json=payload, headers=headers, timeout=(timeout, timeout))
    except requests.Timeout as exc:
        raise SendFailed(f"{who} timed out after {timeout:g} s") from exc
    except requests.RequestException as exc:
        raise SendFailed(f"{who} unreachable: {exc.__class__.__name__}") from exc
    if not 200 <= response.status_code < 300:
        raise _answer_error(response, who)
    return response


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
    """POST the message as JSON to an SMS gateway; its answer's `message_id` is kept.

    Body: {"to", "from", "channel", "text", "reference"} and, for an SMS whose template is
    registered on DLT (India), {"dlt_template_id", "dlt_entity_id", "variables"}, with the
    template's sender header as "from"; headers `Authorization: Bearer <key>` and
    `Idempotency-Key: notification-<id>`. A 2xx answer is success; a 4xx (but 408/429) is
    refused for good; anything else, a connection error or a timeout raises SendFailed (the
    caller retries with the same key).
    """

    idempotent = True

    def __init__(self, *, url: str, api_key: str, sender: str, timeout: float):
        self.url, self.api_key, self.sender, self.timeout = url, api_key, sender, timeout

    def send(self, outgoing: Outgoing) -> str:
        if not self.url:
            raise SendFailed("SMS_GATEWAY_URL is not set.")
        key = f"notification-{outgoing.notification_id}"
        template, context = outgoing.template, outgoing.context or {}
        payload = {
            "to": outgoing.to,
            "from": (template and template.sender_header) or self.sender,
            "channel": outgoing.channel,
            "text": outgoing.message.body,
            "reference": key,
        }
        if template is not None and template.dlt_template_id:
            payload["dlt_template_id"] = template.dlt_template_id
            payload["dlt_entity_id"] = template.dlt_entity_id
            payload["variables"] = [str(context.get(name, "")) for name in template.registered]
        response = _post(
            self.url, payload=payload, timeout=self.timeout, who="gateway",
            headers={"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": key},
        )
        try:
            return str(response.json().get("message_id") or key)[:120]
        except ValueError:
            return key


class WhatsAppCloudBackend:
    """WhatsApp Cloud API (Meta Graph API): an approved template, with its body parameters.

    POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages, `Authorization: Bearer
    WHATSAPP_TOKEN`, body {"messaging_product": "whatsapp", "to": "919845012345", "type":
    "template", "template": {"name", "language": {"code"}, "components": [{"type": "body",
    "parameters": [{"type": "text", "text"}, ...]}]}}: the parameters are the template's
    registered variables, in order. The answer's messages[0].id (wamid...) is kept; the
    delivery webhook (notifications/webhooks.py) finds the notification by it. The Cloud API
    has no idempotency key, so a dead sender's message is failed, not sent again.
    """

    idempotent = False

    def __init__(self, *, url: str, phone_number_id: str, token: str, timeout: float):
        self.url, self.phone_number_id, self.token, self.timeout = url.rstrip("/"), phone_number_id, token, timeout

    def send(self, outgoing: Outgoing) -> str:
        template, context = outgoing.template, outgoing.context or {}
        if template is None or not template.whatsapp_template:
            raise SendRefused("No approved WhatsApp template is set for this message (admin: Message texts).")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outgoing.to.lstrip("+"),
            "type": "template",
            "template": {
                "name": template.whatsapp_template,
                "language": {"code": template.whatsapp_language or "en"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": str(context.get(name, ""))} for name in template.registered],
                    }
                ],
            },
        }
        response = _post(
            f"{self.url}/{self.phone_number_id}/messages", payload=payload, timeout=self.timeout, who="WhatsApp",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        try:
            return str(response.json()["messages"][0]["id"])[:120]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise SendFailed(f"WhatsApp answered without a message id: {response.text[:200]}") from exc


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
    raise ValueError(f'Unknown SMS/WhatsApp backend "{name}": use "console", "http" (or "cloud" for WhatsApp).')


def backend_for(channel: str):
    """Return the backend that sends on `channel`, as the settings choose it now."""
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.SMS:
        return provider_backend(settings.SMS_BACKEND)
    if settings.WHATSAPP_BACKEND == "cloud":
        return WhatsAppCloudBackend(
            url=settings.WHATSAPP_API_URL,
            phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
            token=settings.WHATSAPP_TOKEN,
            timeout=settings.WHATSAPP_TIMEOUT,
        )
    return provider_backend(settings.WHATSAPP_BACKEND)


def address_of(customer, channel: str) -> tuple[str, str]:
    """Return (address, "") for `channel`, or ("", why not) when the customer has none."""
    if channel == Channel.EMAIL:
        email = (customer.email or "").strip()
        return (email, "") if email else ("", "The customer has no e-mail address.")
    phone = e164(customer.phone)
    return (phone, "") if phone else ("", "The customer has no phone number.")
