"""System checks on the reminders India allows (docs/messages.md).

- notifications.E001: with a real SMS gateway (SMS_BACKEND=http), every SMS template must carry
  its DLT template id, entity id and sender header, and list its registered variables (TRAI).
- notifications.E002: such a template may use only its registered variables, and must place
  {{ page_url }} and {{ stop_url }} itself (text added after a registered template is refused).
- notifications.E003: with WHATSAPP_BACKEND=cloud, the phone number id and token are set and
  every WhatsApp template names its approved template and its parameters.
- notifications.E005: a reminder is a service message: no template may use a promotional word
  (messages.PROMOTIONAL).
Database checks: `migrate` and `check --database default` run them (a deploy runs both).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .messages import placeholders, promotional_words, templates_by_key
from .models import Channel

LINKS = ("page_url", "stop_url")


def _templates(databases):
    if not databases or "default" not in databases:
        return None
    try:
        return templates_by_key()
    except DatabaseError:  # not migrated yet: nothing to check
        return None


def _sms_errors(templates) -> list[Error]:
    errors = []
    for (kind, channel), template in sorted(templates.items()):
        if channel != Channel.SMS:
            continue
        where = f"The SMS template of {kind}"
        missing = [
            label
            for label, value in (
                ("DLT template id", template.dlt_template_id),
                ("DLT entity id", template.dlt_entity_id),
                ("sender header", template.sender_header),
                ("registered variables", template.variables),
            )
            if not value.strip()
        ]
        if missing:
            errors.append(
                Error(
                    f"{where} has no {', '.join(missing)}, and SMS_BACKEND is a real gateway: India's DLT refuses it.",
                    hint="Register the text on your DLT portal, then fill its ids, header and variables in the admin "
                    "(Reminders > Message texts).",
                    id="notifications.E001",
                )
            )
            continue
        used = placeholders(template.body)
        unregistered = [name for name in used if name not in template.registered]
        unplaced = [name for name in LINKS if name not in used]
        if unregistered or unplaced:
            errors.append(
                Error(
                    f"{where} uses {', '.join(unregistered) or 'no unregistered variable'} outside its registered "
                    f"variables ({template.variables}){'' if not unplaced else ' and does not place ' + ', '.join(unplaced)}.",
                    hint="Every variable of an SMS must be registered with DLT, and each reminder carries the customer's "
                    "page and the opt-out link ({{ page_url }}, {{ stop_url }}).",
                    id="notifications.E002",
                )
            )
    return errors


def _whatsapp_errors(templates) -> list[Error]:
    errors = []
    missing = [name for name in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN") if not getattr(settings, name)]
    if missing:
        errors.append(Error(f"WHATSAPP_BACKEND is cloud but {', '.join(missing)} is empty.", id="notifications.E003"))
    for (kind, channel), template in sorted(templates.items()):
        if channel == Channel.WHATSAPP and not (template.whatsapp_template and template.variables):
            errors.append(
                Error(
                    f"The WhatsApp template of {kind} has no approved template name or parameters, and "
                    "WHATSAPP_BACKEND is cloud: WhatsApp sends business-initiated messages only from approved templates.",
                    id="notifications.E003",
                )
            )
    return errors


@register(Tags.database)
def check_messages_india_allows(app_configs=None, databases=None, **kwargs):
    templates = _templates(databases)
    if templates is None:
        return []
    errors = []
    for (kind, channel), template in sorted(templates.items()):
        found = promotional_words(f"{template.subject} {template.body}")
        if found:
            errors.append(
                Error(
                    f"The {channel} template of {kind} uses promotional words ({', '.join(found)}): a reminder is a "
                    "service message.",
                    hint="Remove them in the admin (Reminders > Message texts); docs/messages.md lists the words.",
                    id="notifications.E005",
                )
            )
    if settings.SMS_BACKEND != "console":
        errors += _sms_errors(templates)
    if settings.WHATSAPP_BACKEND == "cloud":
        errors += _whatsapp_errors(templates)
    return errors
