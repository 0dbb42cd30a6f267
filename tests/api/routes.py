"""The table of every API route the tests walk: method, path and a body.

Who may call a route is not written here: `required_permissions` reads it from the view's
own permission classes (core.permissions), and `level` from which group holds those
permissions. A view that names no permission fails the tests.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.urls import resolve
from rest_framework.permissions import AllowAny

ANYONE = "anyone"
CASHIER = "cashier"
MANAGER = "manager"
# The group whose members the tests call "cashier" and "manager" (tests/conftest.py).
GROUP_OF_LEVEL = {CASHIER: "Cashier", MANAGER: "Manager"}

TEMPLATE_SEGMENTS = {
    "prepaid-packages": "prepaid",
    "service-packages": "service_package",
    "memberships": "membership",
    "student-offers": "student_offer",
    "yearly-memberships": "yearly_membership",
    "kitty-parties": "kitty_party",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # str.format() with the ids of the `world` fixture
    body: dict | None = field(default=None, hash=False)
    json_only: bool = True  # False: an HTML page (docs, receipts) that refuses in JSON when asked

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def permissions(self) -> frozenset[str] | None:
        """Return what the code asks of a caller (None: anyone)."""
        return required_permissions(self.path.format_map(defaultdict(lambda: 1)), self.method)

    @property
    def anyone(self) -> bool:
        return self.permissions is None


def required_permissions(path: str, method: str) -> frozenset[str] | None:
    """Return the permissions a call needs, as the view's permission classes or page decorator name them."""
    func = resolve(path).func
    if hasattr(func, "required_permissions"):  # a page or document (core.permissions.permission_required)
        return frozenset(func.required_permissions)
    assert hasattr(func, "cls"), f"{method} {path}: neither a DRF view nor a view that names its permission"
    view = func.cls(**func.initkwargs)
    for http_method, action in (getattr(func, "actions", None) or {}).items():
        setattr(view, http_method, getattr(view, action))
    needed: set[str] = set()
    for permission in view.get_permissions():
        if isinstance(permission, AllowAny):
            return None
        assert hasattr(permission, "required"), f"{method} {path}: {type(permission).__name__} names no permission"
        needed |= permission.required(method, view)
    assert needed, f"{method} {path}: no permission named"
    return frozenset(needed)


def level(route: Route) -> str:
    """Say who may call `route`: anyone, a cashier (and so a manager), or only a manager (reads the groups)."""
    needed = route.permissions
    if needed is None:
        return ANYONE
    for name in (CASHIER, MANAGER):
        held = Group.objects.get(name=GROUP_OF_LEVEL[name]).permissions.values_list("content_type__app_label", "codename")
        if needed <= {f"{app_label}.{codename}" for app_label, codename in held}:
            return name
    raise AssertionError(f"{route.id}: no role holds {sorted(needed)}")


ROUTES: list[Route] = []
for segment, kind in TEMPLATE_SEGMENTS.items():
    ROUTES += [
        Route("GET", f"/api/{segment}"),
        Route("POST", f"/api/{segment}", {}),
        Route("GET", f"/api/{segment}/{{{kind}}}"),
        Route("PUT", f"/api/{segment}/{{{kind}}}", {}),
        Route("PATCH", f"/api/{segment}/{{{kind}}}", {"description": "Changed"}),
        Route("DELETE", f"/api/{segment}/{{{kind}}}"),
    ]
ROUTES += [
    Route("POST", "/api/auth/token/", {"username": "nobody", "password": "wrong"}),
    Route("GET", "/api/customers"),
    Route("POST", "/api/customers", {}),
    Route("GET", "/api/customers/{customer}"),
    Route("PUT", "/api/customers/{customer}", {}),
    Route("PATCH", "/api/customers/{customer}", {"notes": "Prefers mornings"}),
    Route("GET", "/api/services"),
    Route("GET", "/api/services/{service}"),
    Route("GET", "/api/products"),
    Route("GET", "/api/products/{product}"),
    Route("GET", "/api/assignments"),
    Route("GET", "/api/assignments/{assignment}"),
    Route("POST", "/api/assignments/{assignment}/pause", {}),
    Route("POST", "/api/assignments/{assignment}/resume", {}),
    *(
        Route("POST", f"/api/assignments/{{assignment}}/{operation}", {})
        for operation in ("refund", "transfer", "extend", "adjust", "top-up")
    ),
    Route("GET", "/api/invoices"),
    Route("GET", "/api/invoices/{invoice}"),
    Route("GET", "/api/notifications"),
    Route("GET", "/api/schema/"),
    Route("GET", "/api/docs/", json_only=False),
    Route("GET", "/integrated-billing/customer-packages/{customer}"),
    Route("POST", "/packages/api/assign-and-pay", {}),
    Route("POST", "/integrated-billing/preview", {}),
    Route("POST", "/integrated-billing/invoices", {}),
    Route("POST", "/integrated-billing/invoices/{invoice}/void", {}),
    Route("GET", "/integrated-billing/package-usage/{assignment}"),
    *(
        Route("GET", f"/api/reports/{name}")
        for name in (
            "liability", "liability-rollforward", "liability-forecast", "package-sales", "redemptions", "breakage",
            "inter-branch", "expiring", "day-close",
        )
    ),
    Route("GET", "/receipts/{receipt}", json_only=False),
    Route("GET", "/receipts/{receipt}/download", json_only=False),
]
