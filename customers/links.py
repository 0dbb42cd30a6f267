"""The customer's own link: a signed, expiring token that names no id.

Each customer holds a random `page_key`. The link carries that key signed with a timestamp
(`django.core.signing.TimestampSigner`), so the URL shows no database id, cannot be guessed
from another customer's link, and stops working after CUSTOMER_LINK_DAYS. Rotating the key
(`page_key_rotate`) ends every link sent before.
"""
import secrets

from django.conf import settings
from django.core import signing

SALT = "customers.page-link"


class LinkInvalid(Exception):
    """The token was not made by us, or names no customer we hold."""


class LinkExpired(Exception):
    """The token was ours but is older than CUSTOMER_LINK_DAYS; `customer` is who it was for."""

    def __init__(self, customer):
        super().__init__("link expired")
        self.customer = customer


def new_page_key() -> str:
    return secrets.token_urlsafe(18)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def page_token(customer) -> str:
    """The token for `customer`'s page, valid for CUSTOMER_LINK_DAYS from now."""
    if not customer.page_key:  # a row written by SQL or by older code
        page_key_rotate(customer)
    return _signer().sign(customer.page_key)


def page_url(customer) -> str:
    """The absolute address of `customer`'s page, for messages, receipts' QR codes and the counter."""
    return f"{settings.SITE_URL.rstrip('/')}/my/{page_token(customer)}"


def customer_for_token(token: str):
    """The customer `token` was made for. Raises LinkExpired (with the customer) or LinkInvalid."""
    from .models import Customer

    signer = _signer()
    try:
        key = signer.unsign(token, max_age=settings.CUSTOMER_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        key = signer.unsign(token)  # the signature is ours; only its age is wrong
        customer = Customer.objects.filter(page_key=key).first()
        if customer is None:
            raise LinkInvalid(token) from None
        raise LinkExpired(customer) from None
    except signing.BadSignature:
        raise LinkInvalid(token) from None
    customer = Customer.objects.filter(page_key=key).first()
    if customer is None:
        raise LinkInvalid(token)
    return customer


def page_key_rotate(customer) -> None:
    """End every link sent to `customer` before now (e.g. after a lost phone)."""
    customer.page_key = new_page_key()
    customer.save(update_fields=["page_key"])
