"""The customer's side: sign-in codes, the signed-in session, new links, and the limits on asking.

Rate limits count in the shared cache (settings.CACHES), like the other throttles, so every web
process sees the same count: codes and new links are limited per phone and per client address.
"""
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from customers.consent import reminders_opt_out_set
from customers.models import ConsentSource, Customer

from .models import SignInCode

SESSION_KEY = "portal.signed_in"


# --- limits -----------------------------------------------------------------------------------


def _over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more request under `key`; tell whether it is past `limit` in the window."""
    key = f"portal:{key}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return False
    return count > limit


def asked_too_often(*, what: str, phone: str, address: str) -> bool:
    """Count a request for a code or a link; True when the phone or the address asked too often.

    `what` is "code" or "link": PORTAL_<WHAT>_PER_PHONE and PORTAL_<WHAT>_PER_ADDRESS a
    PORTAL_RATE_WINDOW_MINUTES window. Both are counted, so neither limit is skipped.
    """
    window = settings.PORTAL_RATE_WINDOW_MINUTES * 60
    per_phone = getattr(settings, f"PORTAL_{what.upper()}_PER_PHONE")
    per_address = getattr(settings, f"PORTAL_{what.upper()}_PER_ADDRESS")
    phone_over = _over_limit(f"{what}:phone:{phone}", per_phone, window)
    address_over = _over_limit(f"{what}:address:{address}", per_address, window)
    return phone_over or address_over


# --- codes ------------------------------------------------------------------------------------


def code_hash(code_id: int, code: str) -> str:
    """The keyed hash stored for `code` (SECRET_KEY and the row's id in the key)."""
    return salted_hmac("portal.sign-in-code", f"{code_id}:{code}", algorithm="sha256").hexdigest()


def code_request(customer: Customer) -> SignInCode:
    """Write a code request and hand it to the worker, which makes the code and sends it (portal.tasks).

    Earlier codes of the customer stop working: only the latest one counts.
    """
    from .tasks import code_dispatch

    with transaction.atomic():
        SignInCode.objects.filter(customer=customer, used_at__isnull=True).update(used_at=timezone.now())
        row = SignInCode.objects.create(customer=customer)
        code_dispatch(row.pk)
    return row


def code_make(row: SignInCode) -> str:
    """Make the 6-digit code of `row` and store its hash; return the code, for the SMS (the worker's step)."""
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = code_hash(row.pk, code)
    row.sent_at = timezone.now()
    row.save(update_fields=["code_hash", "sent_at"])
    return code


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    message: str = ""


WRONG = "That code is not right. Check the SMS and try again."
EXPIRED = "That code has expired. Ask for a new one."
USED_UP = "Too many wrong tries. Ask for a new code."
NONE_SENT = "Ask for a code first."


def code_check(customer: Customer, code: str) -> CodeCheck:
    """Check `code` against the customer's latest code: right, wrong, expired or out of tries.

    A try is counted before the comparison (in one UPDATE), so parallel guesses share the
    PORTAL_CODE_TRIES; a code is single-use.
    """
    now = timezone.now()
    row = SignInCode.objects.filter(customer=customer, used_at__isnull=True).exclude(code_hash="").first()
    if row is None:
        return CodeCheck(False, NONE_SENT)
    if row.created_at < now - timedelta(minutes=settings.PORTAL_CODE_MINUTES):
        return CodeCheck(False, EXPIRED)
    if row.tries >= settings.PORTAL_CODE_TRIES:
        return CodeCheck(False, USED_UP)
    counted = SignInCode.objects.filter(pk=row.pk, tries__lt=settings.PORTAL_CODE_TRIES, used_at__isnull=True)
    if not counted.update(tries=F("tries") + 1):
        return CodeCheck(False, USED_UP)
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6 or not hmac.compare_digest(row.code_hash, code_hash(row.pk, code)):
        left = settings.PORTAL_CODE_TRIES - row.tries - 1
        return CodeCheck(False, USED_UP if left <= 0 else f"{WRONG} {left} tr{'y' if left == 1 else 'ies'} left.")
    SignInCode.objects.filter(pk=row.pk).update(used_at=now)
    return CodeCheck(True)


# --- the signed-in session --------------------------------------------------------------------


def sign_in(session, customer: Customer) -> None:
    """Remember in the browser's session that it proved it holds the customer's phone."""
    until = timezone.now() + timedelta(minutes=settings.PORTAL_SIGNED_IN_MINUTES)
    signed = dict(session.get(SESSION_KEY) or {})
    signed[customer.page_key] = until.timestamp()
    session[SESSION_KEY] = signed
    session.cycle_key()


def is_signed_in(session, customer: Customer) -> bool:
    """Whether this session entered a code for `customer` less than PORTAL_SIGNED_IN_MINUTES ago.

    Keyed by the customer's page key, so rotating the key (erasure, a lost phone) signs out too.
    """
    until = (session.get(SESSION_KEY) or {}).get(customer.page_key or "")
    return bool(until) and until > timezone.now().timestamp()


# --- a new link -------------------------------------------------------------------------------


def link_request(customer: Customer) -> None:
    """Queue an SMS with a fresh link to `customer`'s page, to the phone on file (the worker sends it)."""
    from .tasks import link_dispatch

    link_dispatch(customer.pk)


def reminders_set(customer: Customer, *, wanted: bool) -> None:
    """The customer's own choice on the page: expiry and balance reminders, or none."""
    reminders_opt_out_set(customer=customer, opt_out=not wanted, how=ConsentSource.PAGE)
