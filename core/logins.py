"""Sign-in lockouts (django-axes): the client address they count, and how a lockout answers.

Axes counts failed sign-ins per username and address in the database (AccessAttempt rows,
shared by every web process) and locks that pair after LOGIN_FAILURE_LIMIT failures for
LOGIN_COOLOFF_MINUTES. Since each new address would bring LOGIN_FAILURE_LIMIT more guesses,
the username itself locks, from every address, after LOGIN_USERNAME_FAILURE_LIMIT failures
from all addresses together (`LoginAttemptHandler`). A page gets the lockout page; the API
gets the JSON error body.
A manager unlocks by deleting the attempt in the admin (or `manage.py axes_reset`).
"""
import ipaddress
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from core.routing import is_api_path

LOCKED_STATUS = 429
USERNAME_MAX_LENGTH = 255  # axes.models.AccessBase.username


def client_ip(request) -> str | None:
    """Return the caller's address by the throttles' rule (REMOTE_ADDR, or NUM_PROXIES into X-Forwarded-For).

    Lockouts and throttles must count the same address. Something that is not an address
    (a forged header when NUM_PROXIES is larger than the real number of proxies) falls back
    to REMOTE_ADDR: the attempt table stores addresses, and PostgreSQL refuses anything else.
    """
    for candidate in (BaseThrottle().get_ident(request), request.META.get("REMOTE_ADDR")):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return None


def attempt_username(request, credentials=None) -> str | None:
    """Return the username an attempt is recorded under, cut to the attempt table's column.

    Django's login form does not enforce the username's length, so a 300-character name
    reached axes, and PostgreSQL refused to store it: a 500 on /login.
    """
    username = (credentials or request.POST).get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit: failures for a username from any address.

    Axes takes one failure limit (AXES_FAILURE_LIMIT) for every combination of lockout
    parameters; the pair (username, address) keeps it, and the username's failures across
    addresses are held against LOGIN_USERNAME_FAILURE_LIMIT here. A success resets only its
    own pair (AXES_LOCKOUT_PARAMETERS), so signing in does not wipe an attack from elsewhere.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair >= limit:
            return pair  # the pair's own lock, and its message
        # Locked by the username's failures elsewhere: said so, and reported at the one limit axes knows.
        request.axes_username_locked = self.username_failures(request, credentials) >= settings.LOGIN_USERNAME_FAILURE_LIMIT
        return limit if request.axes_username_locked else pair

    @staticmethod
    def username_failures(request, credentials=None) -> int:
        """Return the failures for this username from every address within the cool-off."""
        attempts = AccessAttempt.objects.filter(username=get_client_username(request, credentials))
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def retry_after(request) -> tuple[datetime | None, int | None]:
    """Return when a locked-out caller may try again, and in how many seconds (None: a manager must unlock)."""
    cool_off: timedelta | None = get_cool_off(request)
    if not cool_off:
        return None, None
    # Every failure, even while locked, restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    return started + cool_off, int(cool_off.total_seconds())


def lockout_message(request) -> str:
    retry_at, seconds = retry_after(request)
    if getattr(request, "axes_username_locked", False):
        text = "Too many failed sign-ins for this username."
    else:
        text = "Too many failed sign-ins for this username from your address."
    if retry_at is None:
        return f"{text} Ask a manager to unlock it."
    local = timezone.localtime(retry_at)
    minutes = max(1, round(seconds / 60))
    return (
        f"{text} Try again after {local:%H:%M} (in {minutes} minute{'s' if minutes != 1 else ''}), "
        "or ask a manager to unlock it."
    )


class LoginLockedOut(exceptions.APIException):
    """Too many failed sign-ins for this username from this address, or from every address."""

    status_code = LOCKED_STATUS
    default_code = "locked_out"

    def __init__(self, request):
        super().__init__(lockout_message(request))
        self.wait = retry_after(request)[1]


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page for a person, the JSON error body for the API."""
    message = lockout_message(request)
    seconds = retry_after(request)[1]
    if is_api_path(request.path):
        response = JsonResponse({"success": False, "error": message, "errors": {}}, status=LOCKED_STATUS)
    else:
        retry_at = retry_after(request)[0]
        context = {"message": message, "retry_at": retry_at}
        response = render(request, "registration/locked_out.html", context, status=LOCKED_STATUS)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
