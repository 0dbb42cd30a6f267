"""Token authentication with a lifetime, in the one query that reads the caller (core.auth).

The user row, their permission names, the token's creation and its last recorded use come
back together; the lifetime is checked in Python and the use is written at most once per
API_TOKEN_LAST_USED_EVERY_MINUTES, so a call with a live token costs no statement more.
"""
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from core.auth import compiled_user_read, user_from_row

from .models import token_expires_at
from .services import token_use_is_due, token_use_record

INVALID = "Invalid token."
EXPIRED = "Token expired: sign in again for a new one."

_BY_KEY = compiled_user_read(
    "auth_token__key", token_created="auth_token__created", token_last_used="auth_token__life__last_used_at"
)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`: the token's user, unless the token expired or was revoked."""

    def authenticate_credentials(self, key):
        key = str(key)
        if "\x00" in key:  # no key holds one, and PostgreSQL refuses it in a query
            raise exceptions.AuthenticationFailed(INVALID)
        rows = _BY_KEY.run(value=key)
        if not rows:
            raise exceptions.AuthenticationFailed(INVALID)
        row = rows[0]
        user = user_from_row(row)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        created, last_used_at = row["token_created"], row["token_last_used"]
        now = timezone.now()
        if now >= token_expires_at(created=created, last_used_at=last_used_at):
            raise exceptions.AuthenticationFailed(EXPIRED)
        if token_use_is_due(last_used_at=last_used_at or created, now=now):
            token_use_record(key=key, at=now)
        return user, Token(key=key, user=user, created=created)
