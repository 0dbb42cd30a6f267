"""Signed delivery reports: WhatsApp Cloud API's webhook and the SMS gateway's (docs/messages.md).

No login: the signature is the proof. A body whose HMAC-SHA256 (with the shared secret) does
not match its header is answered 403 and writes nothing. A sent notification moves to
delivered (delivered_at) or failed (with the provider's reason); other statuses, unknown
message ids and a notification already delivered or failed are left as they are.

- WhatsApp: GET with hub.mode=subscribe, hub.verify_token=WHATSAPP_VERIFY_TOKEN answers
  hub.challenge (Meta's subscription check); POST signed in X-Hub-Signature-256
  ("sha256=<hex>") with WHATSAPP_APP_SECRET; statuses in entry[].changes[].value.statuses[].
- SMS gateway: POST signed in X-Signature-256 the same way with SMS_GATEWAY_WEBHOOK_SECRET;
  body {"message_id", "status": "delivered" | "failed", "error"}, or a list of those.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .models import Channel, Notification, NotificationStatus

WHATSAPP_STATUS = {
    "delivered": NotificationStatus.DELIVERED,
    "read": NotificationStatus.DELIVERED,
    "failed": NotificationStatus.FAILED,
}
SMS_STATUS = {"delivered": NotificationStatus.DELIVERED, "failed": NotificationStatus.FAILED}


def signed(body: bytes, header: str, secret: str) -> bool:
    """Whether `header` is "sha256=" + the HMAC-SHA256 of `body` with `secret` (never with an empty secret)."""
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def delivery_record(*, channel: str, provider_id: str, status: str, error: str = "", at: datetime | None = None) -> int:
    """Move the sent notification with `provider_id` on `channel` to `status`; return how many moved (0 or 1)."""
    if not provider_id:
        return 0
    rows = Notification.objects.filter(channel=channel, provider_message_id=provider_id, status=NotificationStatus.SENT)
    if status == NotificationStatus.DELIVERED:
        return rows.update(status=status, delivered_at=at or timezone.now(), updated_at=timezone.now())
    return rows.update(
        status=status, error=(error or "The provider reported it failed.")[:2000], updated_at=timezone.now()
    )


def _json(request):
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


def _whatsapp_verify(request) -> HttpResponse:
    """Meta's subscription check: echo the challenge when the verify token is ours."""
    token = request.GET.get("hub.verify_token", "")
    verify = settings.WHATSAPP_VERIFY_TOKEN
    if request.GET.get("hub.mode") == "subscribe" and verify and hmac.compare_digest(token, verify):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden("Verification failed.")


def _whatsapp_statuses(payload: dict):
    """Every status object of a Cloud API notification (entry -> changes -> value -> statuses)."""
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            yield from ((change or {}).get("value") or {}).get("statuses") or []


def _whatsapp_status_record(item: dict) -> int:
    """Move the notification one status names; return how many moved (0 for a status we do not follow)."""
    status = WHATSAPP_STATUS.get(str(item.get("status")))
    if status is None:
        return 0
    errors = item.get("errors") or [{}]
    error = errors[0].get("title") or errors[0].get("message") or ""
    stamp = str(item.get("timestamp", ""))
    at = datetime.fromtimestamp(int(stamp), tz=UTC) if stamp.isdigit() else None
    return delivery_record(
        channel=Channel.WHATSAPP, provider_id=str(item.get("id", "")), status=status, error=error, at=at
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    if request.method == "GET":
        return _whatsapp_verify(request)
    if not signed(request.body, request.headers.get("X-Hub-Signature-256", ""), settings.WHATSAPP_APP_SECRET):
        return HttpResponseForbidden("Bad signature.")
    payload = _json(request)
    if not isinstance(payload, dict):
        return HttpResponseBadRequest("The body is not a JSON object.")
    moved = sum(_whatsapp_status_record(item) for item in _whatsapp_statuses(payload))
    return JsonResponse({"moved": moved})


@csrf_exempt
@require_POST
def sms_webhook(request):
    if not signed(request.body, request.headers.get("X-Signature-256", ""), settings.SMS_GATEWAY_WEBHOOK_SECRET):
        return HttpResponseForbidden("Bad signature.")
    payload = _json(request)
    reports = payload if isinstance(payload, list) else [payload]
    if not all(isinstance(report, dict) for report in reports):
        return HttpResponseBadRequest("The body is not a JSON object or a list of them.")
    moved = 0
    for report in reports:
        status = SMS_STATUS.get(str(report.get("status")))
        if status is not None:
            moved += delivery_record(
                channel=Channel.SMS,
                provider_id=str(report.get("message_id", "")),
                status=status,
                error=str(report.get("error") or ""),
            )
    return JsonResponse({"moved": moved})
