"""When each API token was last used, so that it expires API_TOKEN_TTL_DAYS after its last use.

DRF's `Token` stays the token (the contract answers `{"token": "..."}` and integrators send
`Authorization: Token <key>`); this row beside it holds what DRF's table has no column for.
Its own integer id keeps the key out of the admin's URLs and pages.
"""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework.authtoken.models import Token


def token_lifetime() -> timedelta:
    """How long a token lives after its last use (API_TOKEN_TTL_DAYS)."""
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expires_at(*, created, last_used_at):
    """Return when a token created at `created` and last used at `last_used_at` (or never) expires."""
    return (last_used_at or created) + token_lifetime()


class TokenLife(models.Model):
    token = models.OneToOneField(Token, on_delete=models.CASCADE, related_name="life")
    # Written at most once per API_TOKEN_LAST_USED_EVERY_MINUTES, so a call rarely writes.
    last_used_at = models.DateTimeField("last used")

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self):
        return f"{self.token.user} ({self.key_prefix}…)"

    @property
    def key_prefix(self) -> str:
        """The key's first characters: enough to tell tokens apart, useless to sign in with."""
        return self.token.key[:6]

    @property
    def expires_at(self):
        return token_expires_at(created=self.token.created, last_used_at=self.last_used_at)

    @property
    def has_expired(self) -> bool:
        return timezone.now() >= self.expires_at
