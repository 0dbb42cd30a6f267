"""Pages every user meets: the home redirect, login and logout, and the role checks of the pages."""
from functools import wraps

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from spa_pkg.api import user_in_groups

MANAGER = "Manager"
CASHIER = "Cashier"


def user_has_role(user, *roles: str) -> bool:
    """Say whether `user` belongs to one of the groups `roles` (superusers belong to all).

    The API's check is reused so that pages and endpoints agree, and so that the group
    names are read once per request however many times a page asks.
    """
    return user_in_groups(user, roles)


def role_required(*roles: str, message: str):
    """Decorate a page: anonymous users go to the login page, users without a role get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


cashier_required = role_required(CASHIER, MANAGER, message="This page is for the spa's cashiers and managers.")
manager_required = role_required(MANAGER, message="Only a manager can do this.")


@login_required
def home(request):
    """Send a signed-in user to the billing counter, where the day's work is."""
    return redirect("integrated-billing")


login = auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
