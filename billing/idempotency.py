"""One Idempotency-Key rule for every write that takes one (an invoice, a package sale).

docs/api.md: a key is a client's name for one request. An over-long key is a wrong field
(400, nothing written); a key already used for another request, by another user or at
another branch is a conflict (409). The unique key on the written row is the check against
a concurrent twin: the second submission meets it at the INSERT, rolls back, and is
answered with the first one's result.
"""
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from core.exceptions import DomainError

from .exceptions import IdempotencyKeyReused, InvalidIdempotencyKey

# The length of the idempotency_key columns (Invoice and PackageAssignment).
KEY_MAX_LENGTH = 80

Row = TypeVar("Row")
Result = TypeVar("Result")


def idempotency_key_clean(raw: str | None) -> str | None:
    """The key as stored: stripped, None when blank; refused (400) when longer than the column."""
    key = (raw or "").strip() or None
    if key is not None and len(key) > KEY_MAX_LENGTH:
        message = f"The idempotency key is too long ({KEY_MAX_LENGTH} characters at most)."
        raise InvalidIdempotencyKey(message, errors={"idempotency_key": [message]})
    return key


def idempotency_key_refuse(message: str):
    """Refuse a key already used for another request (409): the caller says how, naming nothing of it."""
    raise IdempotencyKeyReused(message, errors={"idempotency_key": [message]})


def idempotent_write(
    key: str | None,
    *,
    write: Callable[[], Result],
    earlier: Callable[[str], Row | None],
    replay: Callable[[Row], Result],
) -> Result:
    """Run `write` in a transaction; when it fails and `key` was already used, answer `replay` of that row.

    A failure with no earlier row under the key (or no key) is the caller's own error, raised again.
    """
    try:
        with transaction.atomic():
            return write()
    except (IntegrityError, DomainError):
        first = earlier(key) if key else None
        if first is None:
            raise
        return replay(first)
