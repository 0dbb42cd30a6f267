"""Consent to messages, per customer and channel (docs/messages.md).

The record is append-only (`Consent`): the latest row of a (customer, channel) is the state
now. A channel without any row follows the rule the spa worked by before consent was
recorded per channel:
- e-mail and SMS: reminders are service messages about a package the customer bought, so
  they go unless the customer withdrew (what `reminders_opt_out = False` meant);
- WhatsApp: a business-initiated WhatsApp message needs the customer's opt-in, so it goes
  only after consent was given (one tap at the counter).

`reminders_opt_out`, the old boolean, is derived: True when no channel may carry a reminder.

The opt-out link (`stop_url`) is a signed token per customer and channel: it needs no login,
does not expire, names no database id (it carries the customer's page key, customers/links.py),
cannot be made for another customer or channel, and withdraws at once. Rotating the page key
(a lost phone) ends the old opt-out links with the old page links; the next message carries new ones.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Subquery

from .links import page_key_rotate
from .models import Consent, ConsentChannel, ConsentSource, ConsentStatus, Customer

IMPLIED = frozenset({ConsentChannel.EMAIL, ConsentChannel.SMS})
STOP_SALT = "customers.opt-out"
CHANNEL_WORDS = {ConsentChannel.EMAIL: "e-mail", ConsentChannel.SMS: "SMS", ConsentChannel.WHATSAPP: "WhatsApp"}


class StopLinkInvalid(Exception):
    """The opt-out token was not made by us, or names no customer we hold."""


def ask_words(channel: str) -> str:
    """The exact words the counter reads out (and shows) before the customer says yes on `channel`."""
    return (
        f"May {settings.SPA_NAME} send you reminders about your packages (expiry, balance left) by "
        f"{CHANNEL_WORDS[channel]}? You can stop them at any time with the link in each message."
    )


def stop_words(channel: str) -> str:
    """The exact words of the opt-out page's button."""
    return f"Stop {CHANNEL_WORDS[channel]} reminders from {settings.SPA_NAME}."


def allows(status: str | None, channel: str) -> bool:
    """Whether a channel whose latest consent is `status` (None: no record) may carry a reminder."""
    if status is None:
        return channel in IMPLIED
    return status == ConsentStatus.GIVEN


def current(customer: Customer) -> dict[str, str | None]:
    """The state of each channel now: "given", "withdrawn" or None (no record). Uses prefetched consents."""
    state: dict[str, str | None] = dict.fromkeys(ConsentChannel.values)
    seen = set()
    for row in sorted(customer.consents.all(), key=lambda row: (row.at, row.pk), reverse=True):
        if row.channel not in seen:
            seen.add(row.channel)
            state[row.channel] = row.status
    return state


def reminders_opt_out(customer: Customer) -> bool:
    """The old boolean, derived: True when no channel may carry a reminder."""
    if customer.pk is None:
        return False
    return not any(allows(status, channel) for channel, status in current(customer).items())


def latest_status(channel: str, customer_ref: str = "pk") -> Subquery:
    """A subquery of the latest consent status on `channel` of the customer at `customer_ref` (None: no record)."""
    rows = Consent.objects.filter(customer_id=OuterRef(customer_ref), channel=channel).order_by("-at", "-pk")
    return Subquery(rows.values("status")[:1])


def consent_record(*, customer: Customer, channel: str, status: str, how: str, words: str, by=None) -> Consent | None:
    """Record the customer's decision on `channel`; return the new row, or None when it changes nothing.

    Takes effect at once: the sender reads the latest row before each message.
    """
    if channel not in ConsentChannel.values or status not in ConsentStatus.values or how not in ConsentSource.values:
        raise ValueError(f"Unknown consent {channel!r}/{status!r}/{how!r}.")
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one decision at a time per customer
        latest = Consent.objects.filter(customer=customer, channel=channel).order_by("-at", "-pk").first()
        if latest is not None and latest.status == status:
            return None
        row = Consent.objects.create(
            customer=customer,
            channel=channel,
            status=status,
            how=how,
            words=words,
            by=by if by is not None and by.is_authenticated else None,
        )
    if hasattr(customer, "_prefetched_objects_cache"):
        customer._prefetched_objects_cache.pop("consents", None)
    return row


def reminders_opt_out_set(*, customer: Customer, opt_out: bool, how: str, by=None) -> None:
    """The old boolean written (API, admin): True withdraws every channel; False gives e-mail and SMS back.

    WhatsApp is not given back by False: it needs the customer's own opt-in (a tap at the counter).
    """
    if bool(opt_out) == reminders_opt_out(customer):
        return
    if opt_out:
        for channel in ConsentChannel.values:
            consent_record(
                customer=customer,
                channel=channel,
                status=ConsentStatus.WITHDRAWN,
                how=how,
                by=by,
                words="No reminders (the customer's record was set to opt out).",
            )
    else:
        for channel in sorted(IMPLIED):
            consent_record(
                customer=customer,
                channel=channel,
                status=ConsentStatus.GIVEN,
                how=how,
                by=by,
                words="Reminders on (the customer's opt-out was cleared).",
            )


def consent_context(customer: Customer) -> dict:
    """What the counter's consent taps show: per channel its state, whether it may remind, and the words to read out."""
    state = current(customer)
    return {
        "consent_customer": customer,
        "consent_channels": [
            {
                "channel": channel,
                "label": CHANNEL_WORDS[channel],
                "status": state[channel],
                "allowed": allows(state[channel], channel),
                "words": ask_words(channel),
            }
            for channel in ConsentChannel.values
        ],
    }


# --- the opt-out link -------------------------------------------------------------------------


def stop_token(customer: Customer, channel: str) -> str:
    """Signed (customer's page key, channel): no database id in the link, and no other customer's can be made."""
    if not customer.page_key:  # a row written by SQL or by older code
        page_key_rotate(customer)
    return signing.Signer(salt=STOP_SALT).sign_object([customer.page_key, channel])


def stop_url(customer: Customer, channel: str) -> str:
    """The absolute one-tap opt-out address for `customer` on `channel` (in every message)."""
    return f"{settings.SITE_URL.rstrip('/')}/stop/{stop_token(customer, channel)}"


def stop_link_read(token: str) -> tuple[Customer, str]:
    """The customer and channel `token` was made for; raises StopLinkInvalid."""
    try:
        data = signing.Signer(salt=STOP_SALT).unsign_object(token)
    except signing.BadSignature:
        raise StopLinkInvalid(token) from None
    if not (isinstance(data, list) and len(data) == 2 and data[1] in ConsentChannel.values and data[0]):
        raise StopLinkInvalid(token)
    key, channel = data
    customer = Customer.objects.filter(page_key=key).first()
    if customer is None:
        raise StopLinkInvalid(token)
    return customer, channel


def stop_by_link(token: str) -> tuple[Customer, str]:
    """Withdraw the consent `token` names (no login: the signature is the proof); return whose and which."""
    customer, channel = stop_link_read(token)
    consent_record(
        customer=customer,
        channel=channel,
        status=ConsentStatus.WITHDRAWN,
        how=ConsentSource.LINK,
        words=stop_words(channel),
    )
    return customer, channel
