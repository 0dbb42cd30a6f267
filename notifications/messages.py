"""The words of each message: the defaults, and rendering a template with a package's figures.

Templates are rows (`MessageTemplate`, edited in admin); a kind and channel without a row
uses the default here. Dates read like 23 May 2027; money the Indian way (₹1,500).
"""
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template import Context, Template

from core.formats import format_date
from customers.consent import stop_url
from customers.links import page_url
from packages.kinds.base import rupees

from .models import Channel, MessageTemplate, NotificationKind

SHORT = {
    NotificationKind.EXPIRY: (
        "{{ spa_name }}: your {{ package_name }} expires on {{ expires_on }} ({{ days_left }} day{{ days_left|pluralize }}). "
        "{{ left|capfirst }} left. Book at {{ spa_phone }}."
    ),
    NotificationKind.LOW_BALANCE: (
        "{{ spa_name }}: only {{ left }} left on your {{ package_name }}"
        "{% if expires_on %} (valid till {{ expires_on }}){% endif %}. {{ action }} at {{ spa_phone }}."
    ),
    NotificationKind.COMPLETED: (
        "{{ spa_name }}: you have used all of your {{ package_name }}. Thank you! Ask us about renewing: {{ spa_phone }}."
    ),
    NotificationKind.EXPIRED: (
        "{{ spa_name }}: your {{ package_name }} expired on {{ expires_on }}. Call {{ spa_phone }} to renew."
    ),
}
SUBJECTS = {
    NotificationKind.EXPIRY: "Your {{ package_name }} expires on {{ expires_on }}",
    NotificationKind.LOW_BALANCE: "Only {{ left }} left on your {{ package_name }}",
    NotificationKind.COMPLETED: "You have used all of your {{ package_name }}",
    NotificationKind.EXPIRED: "Your {{ package_name }} has expired",
}
EMAIL_BODY = "Dear {{ customer_name }},\n\n%s\n\nWarm regards,\n{{ spa_name }}\n"
# The customer's side (docs/customers-side.md), by SMS only: the link to their own page, and the
# sign-in code that opens their history, invoices and message preferences.
CUSTOMER_SMS = {
    "page_link": "{{ spa_name }}: your packages and balances: {{ url }} (this link works for {{ days }} days).",
    "sign_in_code": (
        "{{ code }} is your {{ spa_name }} code to see your history and invoices. It works for {{ minutes }} minutes. "
        "Do not share it."
    ),
}


# Words that make a text promotional (TRAI's commercial communications): a reminder is a service
# message about a package the customer bought, so none of these may appear in its template
# (the system check notifications.E005 and the admin's form refuse them; docs/messages.md).
PROMOTIONAL = (
    r"offers?", r"discounts?", r"discounted", r"sales?", r"free", r"\d*\s*% off", r"cash ?back", r"deals?",
    r"coupons?", r"promo(?:tion|tional)?s?", r"vouchers?", r"hurry", r"limited time", r"lowest price",
    r"buy one", r"bogo", r"win", r"prizes?", r"save \d+", r"best price", r"flat \d+",
)
PROMOTIONAL_RE = re.compile(r"(?<![\w%])(" + "|".join(PROMOTIONAL) + r")(?!\w)", re.IGNORECASE)
PLACEHOLDER_RE = re.compile(r"{{\s*(\w+)")


def promotional_words(text: str) -> list[str]:
    """The promotional words in `text`, lower-cased, each once, in the order found."""
    found: list[str] = []
    for match in PROMOTIONAL_RE.finditer(text or ""):
        word = " ".join(match.group(1).lower().split())
        if word not in found:
            found.append(word)
    return found


def placeholders(text: str) -> list[str]:
    """The {{ placeholders }} a template uses, each once, in order."""
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text or "")))


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def default_template(kind: str, channel: str) -> MessageTemplate:
    """Return the built-in words of `kind` on `channel` (unsaved)."""
    body = SHORT[kind]
    if channel == Channel.EMAIL:
        return MessageTemplate(kind=kind, channel=channel, subject=SUBJECTS[kind], body=EMAIL_BODY % body)
    return MessageTemplate(kind=kind, channel=channel, subject="", body=body)


def templates_by_key() -> dict[tuple[str, str], MessageTemplate]:
    """Return the template of every (kind, channel): the spa's rows over the defaults. One query."""
    found = {
        (kind, channel): default_template(kind, channel) for kind in NotificationKind.values for channel in Channel.values
    }
    found.update({(row.kind, row.channel): row for row in MessageTemplate.objects.all()})
    return found


def long_date(value: date | None) -> str:
    """23 May 2027, 5 Nov 2027: the one Indian date format of the pages, receipts and admin."""
    return format_date(value)


def left_text(assignment) -> str:
    """Say what is left: "1 session", "3 sessions", "₹450", or the kind's own words."""
    kind = assignment.kind
    if kind.has_sessions:
        count = assignment.remaining_sessions
        return f"{count} session{'' if count == 1 else 's'}"
    if kind.is_credit:
        return f"{rupees(assignment.credit_remaining)} credit"
    return kind.balance_label or "your benefits"


def message_context(assignment, *, on_date: date | None = None, channel: str = Channel.SMS) -> dict:
    """The placeholders of a message about `assignment` (its customer loaded with it) on `channel`.

    `page_url` is the customer's own page (customers/links.py), `stop_url` the one-tap opt-out
    of this channel (customers/consent.py): every reminder carries both (`with_links`).
    """
    expires_on = assignment.expires_on
    days_left = (expires_on - on_date).days if expires_on and on_date else None
    return {
        "page_url": page_url(assignment.customer),
        "stop_url": stop_url(assignment.customer, channel),
        "customer_name": assignment.customer.name,
        "package_name": assignment.package_name,
        "left": left_text(assignment),
        "action": assignment.kind.reminder_action,  # "Top up" for credit, "Renew" otherwise
        "expires_on": long_date(expires_on),
        "days_left": days_left,
        "spa_name": settings.SPA_NAME,
        "spa_phone": settings.SPA_PHONE,
    }


class Compiled:
    """A message template parsed once, rendered for many packages."""

    def __init__(self, template: MessageTemplate):
        self.subject = Template(template.subject) if template.subject else None
        self.body = Template(template.body)

    def render(self, context: dict) -> Message:
        """Fill the template in; plain text, so nothing is HTML-escaped."""
        ctx = Context(context, autoescape=False)
        subject = self.subject.render(ctx).strip() if self.subject else ""
        return Message(subject=" ".join(subject.split()), body=self.body.render(ctx).strip())


def with_links(message: Message, context: dict, channel: str) -> Message:
    """`message` with the customer's page and the opt-out link added, unless its template already placed them."""
    lines = []
    if context["page_url"] not in message.body:
        lines.append(f"Your packages: {context['page_url']}")
    if context["stop_url"] not in message.body:
        lines.append(f"Stop these reminders: {context['stop_url']}")
    if not lines:
        return message
    email = channel == Channel.EMAIL
    body = message.body + "\n\n" + "\n".join(lines) if email else " ".join([message.body, *lines])
    return Message(subject=message.subject, body=body)


def render(template: MessageTemplate, context: dict) -> Message:
    return Compiled(template).render(context)


SAMPLE_CONTEXT = {
    "page_url": "https://spa.example.in/my/AbCdEf",
    "stop_url": "https://spa.example.in/stop/XyZ",
    "customer_name": "Priya Sharma",
    "package_name": "3+1 Facial Package",
    "left": "1 session",
    "action": "Renew",
    "expires_on": "23 May 2027",
    "days_left": 7,
}


def preview(template: MessageTemplate) -> Message:
    """Render `template` with sample figures, for the admin."""
    return render(template, {**SAMPLE_CONTEXT, "spa_name": settings.SPA_NAME, "spa_phone": settings.SPA_PHONE})


def customer_sms(key: str, context: dict) -> Message:
    """Render the customer's-side SMS `key` (CUSTOMER_SMS) with `context` and the spa's name and phone."""
    template = MessageTemplate(channel=Channel.SMS, subject="", body=CUSTOMER_SMS[key])
    return render(template, {**context, "spa_name": settings.SPA_NAME, "spa_phone": settings.SPA_PHONE})
