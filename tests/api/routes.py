"""The table of every API route the tests walk: method, path, who may call it, a body."""
from dataclasses import dataclass, field

ANYONE = "anyone"
CASHIER = "cashier"
MANAGER = "manager"

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
    level: str
    body: dict | None = field(default=None, hash=False)
    json_only: bool = True  # False: an HTML page (docs, receipts) that refuses in JSON when asked

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


ROUTES: list[Route] = []
for segment, kind in TEMPLATE_SEGMENTS.items():
    ROUTES += [
        Route("GET", f"/api/{segment}", CASHIER),
        Route("POST", f"/api/{segment}", MANAGER, {}),
        Route("GET", f"/api/{segment}/{{{kind}}}", CASHIER),
        Route("PUT", f"/api/{segment}/{{{kind}}}", MANAGER, {}),
        Route("PATCH", f"/api/{segment}/{{{kind}}}", MANAGER, {"description": "Changed"}),
        Route("DELETE", f"/api/{segment}/{{{kind}}}", MANAGER),
    ]
ROUTES += [
    Route("POST", "/api/auth/token/", ANYONE, {"username": "nobody", "password": "wrong"}),
    Route("GET", "/api/customers", CASHIER),
    Route("POST", "/api/customers", CASHIER, {}),
    Route("GET", "/api/customers/{customer}", CASHIER),
    Route("PUT", "/api/customers/{customer}", CASHIER, {}),
    Route("PATCH", "/api/customers/{customer}", CASHIER, {"notes": "Prefers mornings"}),
    Route("GET", "/api/services", CASHIER),
    Route("GET", "/api/services/{service}", CASHIER),
    Route("GET", "/api/products", CASHIER),
    Route("GET", "/api/products/{product}", CASHIER),
    Route("GET", "/api/assignments", CASHIER),
    Route("GET", "/api/assignments/{assignment}", CASHIER),
    Route("POST", "/api/assignments/{assignment}/pause", MANAGER, {}),
    Route("POST", "/api/assignments/{assignment}/resume", MANAGER, {}),
    Route("GET", "/api/invoices", CASHIER),
    Route("GET", "/api/invoices/{invoice}", CASHIER),
    Route("GET", "/api/schema/", CASHIER),
    Route("GET", "/api/docs/", CASHIER, json_only=False),
    Route("GET", "/integrated-billing/customer-packages/{customer}", CASHIER),
    Route("POST", "/packages/api/assign-and-pay", CASHIER, {}),
    Route("POST", "/integrated-billing/preview", CASHIER, {}),
    Route("POST", "/integrated-billing/invoices", CASHIER, {}),
    Route("POST", "/integrated-billing/invoices/{invoice}/void", MANAGER, {}),
    Route("GET", "/integrated-billing/package-usage/{assignment}", CASHIER),
    Route("GET", "/receipts/{receipt}", CASHIER, json_only=False),
    Route("GET", "/receipts/{receipt}/download", CASHIER, json_only=False),
]
