"""The life of an API token: issued at sign-in, kept alive by use, revoked by a manager or a new password."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import TokenLife, token_expires_at


def token_use_is_due(*, last_used_at, now) -> bool:
    """Tell whether a use at `now` should be written: at most once per API_TOKEN_LAST_USED_EVERY_MINUTES."""
    every = timedelta(minutes=settings.API_TOKEN_LAST_USED_EVERY_MINUTES)
    return last_used_at is None or now - last_used_at >= every


def token_use_record(*, key: str, at) -> None:
    """Write that the token `key` was used at `at`, which starts its lifetime again."""
    if not TokenLife.objects.filter(token_id=key).update(last_used_at=at):
        # A token made without its row (a bulk insert, a fixture): give it one now.
        TokenLife.objects.get_or_create(token_id=key, defaults={"last_used_at": at})


@transaction.atomic
def token_for_sign_in(*, user) -> Token:
    """Return the user's token for a sign-in with their password: the live one, or a new one.

    A sign-in is a use, so the live token's lifetime starts again. An expired token is
    deleted and replaced: its key never works again.
    """
    now = timezone.now()
    token = Token.objects.select_for_update(of=("self",)).filter(user=user).select_related("life").first()
    if token is not None:
        life = getattr(token, "life", None)
        expires_at = token_expires_at(created=token.created, last_used_at=life.last_used_at if life else None)
        if now < expires_at:
            token_use_record(key=token.key, at=now)
            return token
        token.delete()
    # get_or_create: two first sign-ins at once give one token, as DRF's own view does.
    return Token.objects.get_or_create(user=user)[0]


def tokens_revoke(*, lives) -> int:
    """Delete the tokens of `lives` (TokenLife rows): their keys answer 401 from now on. Return how many."""
    keys = list(lives.values_list("token_id", flat=True))
    deleted, by_model = Token.objects.filter(key__in=keys).delete()
    return by_model.get(Token._meta.label, 0)


def user_tokens_revoke(*, user) -> None:
    """Delete every token of `user` (their password changed: whoever held a token must sign in again)."""
    Token.objects.filter(user=user).delete()
