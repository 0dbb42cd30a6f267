"""The page where a user who works at several branches picks the one they are at (kept in the session)."""
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import DomainError
from core.permissions import permission_required

from .selectors import SESSION_KEY, request_branch, user_branches
from .switching import carried_along


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of ours only: `redirect("-1")` would look "-1" up as a URL name and fail (500).
    if target.startswith("/") and "\x00" not in target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@permission_required("read_packages")  # whoever works at the counter: cashiers and managers
def branch_pick(request):
    """List the user's branches; choosing one keeps it in the session and goes on to `next`.

    When the switch would take work along (the counter's bill in progress: branches.switching),
    the page first says so and asks; a second POST with `confirm` switches.
    """
    branches = user_branches(request.user)
    current = request.session.get(SESSION_KEY)
    if request.method == "POST":
        chosen = next((b for b in branches if str(b.pk) == request.POST.get("branch")), None)
        carried = carried_along(request) if chosen is not None and chosen.pk != current else []
        if carried and not request.POST.get("confirm"):
            # Work in progress would move with the switch: say what, and switch only once confirmed.
            return render(
                request,
                "branches/pick.html",
                {"branches": branches, "current_id": chosen.pk, "next": _next_url(request), "confirm": chosen,
                 "carried": carried},
            )
        if chosen is not None:
            request.session[SESSION_KEY] = chosen.pk
            messages.success(request, f"You are working at {chosen.name}.")
            return HttpResponseRedirect(_next_url(request))
        messages.error(request, "Choose one of your branches.")
    return render(
        request,
        "branches/pick.html",
        {"branches": branches, "current_id": current, "next": _next_url(request)},
        status=200 if branches else 403,
    )


def branch_required(view):
    """Send a user with several branches and none picked to the pick page first (pages only)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                request_branch(request)
            except DomainError:
                return redirect(f"{reverse('branch-pick')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
