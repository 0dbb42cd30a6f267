"""Who may do what: each action names the Django permission it needs, in one table.

Groups only bundle permissions (billing/migrations/0008_roles_hold_permissions gives the
Manager and Cashier groups their sets); no code asks which group a user is in. The API's
permission classes, the pages' decorator, the receipt documents, the top bar and the admin
all ask `user.has_perm` with the permissions named here, and the permission-matrix tests
read the same classes, so a route they cannot place fails them. `user.has_perm` loads a
user's permissions once per request (core.auth); a superuser holds every permission.
"""
from functools import wraps

from django.contrib.auth import get_permission_codename
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework import permissions

PERMISSIONS: dict[str, str] = {
    # The counter: cashiers and managers.
    "bill": "billing.add_invoice",
    "read_invoices": "billing.view_invoice",
    "sell_package": "packages.add_packageassignment",
    # Selling at another price than the list price, or with a discount beyond
    # CASHIER_MAX_DISCOUNT_PERCENT: managers (billing.services.pricing).
    "override_package_price": "packages.override_package_price",
    # Bringing in the packages customers already hold (packages.importing) opens balances at the
    # prices and values the spa states, not the list's: managers, like selling at another price.
    "import_packages": "packages.override_package_price",
    "read_packages": "packages.view_packageassignment",
    "read_receipts": "receipts.view_receipt",
    # A day close: a cashier sees their own invoices' day; with view_reports, everyone's.
    "day_close": "billing.view_invoice",
    # Balances are what the API is mostly about: whoever may read them may read its docs.
    "read_api_docs": "packages.view_packageassignment",
    # The books and what happens to a package after the sale: managers.
    "void_invoice": "billing.void_invoice",
    "view_reports": "billing.view_reports",
    "pause_assignment": "packages.pause_assignment",
    "refund_assignment": "packages.refund_assignment",
    "transfer_assignment": "packages.transfer_assignment",
    "extend_assignment": "packages.extend_assignment",
    "adjust_balance": "packages.adjust_balance",
    "top_up_assignment": "packages.top_up_assignment",
    # Package templates of every kind, one codename each whatever the kind (docs/design.md "Kinds"):
    # cashiers read them to sell; managers add, change and take them off sale.
    "read_templates": "packages.view_template",
    "keep_templates": "packages.change_template",
    # Keeping the catalogue of services (and with it products, customers and templates): managers.
    "keep_catalogue": "catalog.change_service",
}

# The Django admin is the managers' (README, "Django admin"): it opens to staff users who hold at
# least one manager's permission. A cashier bills and sells on the pages, even if ticked Staff.
ADMIN_ACTIONS = (
    "keep_catalogue", "keep_templates", "void_invoice", "view_reports", "pause_assignment", "refund_assignment",
    "transfer_assignment", "extend_assignment", "adjust_balance", "top_up_assignment",
)


def refusal(permission: str) -> str:
    return f"Your account does not hold the permission this needs ({permission})."


def model_permission(model, action: str) -> str:
    """Return the model permission `app_label.<action>_<model>` (action: view, add, change or delete)."""
    opts = model._meta
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def user_may(user, action: str) -> bool:
    """Tell whether `user` holds the permission of `action` (a key of PERMISSIONS)."""
    return bool(user and user.has_perm(PERMISSIONS[action]))


def may_use_admin(user) -> bool:
    """Tell whether `user` may open the admin: active, staff, and holding a manager's permission."""
    return bool(
        user and user.is_active and user.is_staff and any(user_may(user, action) for action in ADMIN_ACTIONS)
    )


class Can:
    """`can.void_invoice` in a template: whether the user holds that action's permission."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, action: str) -> bool:
        return user_may(self.user, action)


# --- the API (DRF) -------------------------------------------------------------------------


class ActionPermission(permissions.BasePermission):
    """Allow a caller who holds the permission of `action`, whatever the method."""

    action = ""

    def required(self, method: str, view) -> set[str]:
        """Return the permissions a call with `method` needs (the permission tests read this too)."""
        return {PERMISSIONS[self.action]}

    def has_permission(self, request, view):
        needed = self.required(request.method, view)
        self.message = refusal(", ".join(sorted(needed)))
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(needed))


def HasPerm(action: str) -> type[ActionPermission]:  # noqa: N802 (reads as a class in permission_classes)
    """Return the permission class of `action`: `permission_classes = [HasPerm("void_invoice")]`."""
    PERMISSIONS[action]  # An action missing from the table fails at import, not at the first call.
    return type(f"HasPerm_{action}", (ActionPermission,), {"action": action})


class ModelPermissions(permissions.DjangoModelPermissions):
    """A REST resource: reads need the model's view permission, writes its add, change or delete.

    Unlike DRF's own class, reading (GET, HEAD, OPTIONS) needs the view permission too.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def required(self, method: str, view) -> set[str]:
        # A resource whose rows depend on the caller (get_queryset reads request.user) names its model in `queryset`.
        queryset = getattr(view, "queryset", None)
        model = queryset.model if queryset is not None else self._queryset(view).model
        return set(self.get_required_permissions(method, model))

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in self.perms_map or not hasattr(view, request.method.lower()):
            return True  # A method the resource does not have: DRF answers 405.
        needed = self.required(request.method, view)
        self.message = refusal(", ".join(sorted(needed)))
        return request.user.has_perms(needed)


# --- pages ---------------------------------------------------------------------------------


def permission_required(*needed: str, message: str | None = None):
    """Decorate a page: anonymous users go to the login page, users without the permissions get our 403 page.

    Each of `needed` is an action of PERMISSIONS ("bill") or a permission ("packages.add_membership").
    """
    permissions_needed = {item if "." in item else PERMISSIONS[item] for item in needed}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perms(permissions_needed):
                raise PermissionDenied(message or refusal(", ".join(sorted(permissions_needed))))
            return view(request, *args, **kwargs)

        wrapped.required_permissions = permissions_needed
        return wrapped

    return decorator
