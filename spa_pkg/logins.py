"""Sign-in lockouts (django-axes): the client address they count, and how a lockout answers.

Axes counts failed sign-ins per username and address in the database (AccessAttempt rows,
shared by every web process) and locks after LOGIN_FAILURE_LIMIT failures for
LOGIN_COOLOFF_MINUTES. A page gets the lockout page; the API gets the JSON error body.
A manager unlocks by deleting the attempt in the admin (or `manage.py axes_reset`).
"""
import ipaddress
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from spa_pkg.routing import is_api_path

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
    """Too many failed sign-ins for this username from this address."""

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
