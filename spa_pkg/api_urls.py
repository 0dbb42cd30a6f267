"""The integrators' API: seed contract paths and the REST resources.

Every route answers with and without its trailing slash, directly (no redirect): the
router's `trailing_slash` is the regex `/?`, and plain paths go through `both()`.
"""
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from billing.api.views import AssignAndPayApi, InvoiceViewSet
from catalog.api import ProductViewSet, ServiceViewSet
from customers.api import CustomerViewSet
from packages.api.views import TEMPLATE_PATHS, TEMPLATE_VIEWSETS, AssignmentViewSet
from spa_pkg.api import IsCashier, OptionalSlashRouter, TokenApi, api_not_found
from spa_pkg.routing import both

router = OptionalSlashRouter()
for kind, segment in TEMPLATE_PATHS.items():
    router.register(f"api/{segment}", TEMPLATE_VIEWSETS[kind], basename=f"api-{segment}")
router.register("api/customers", CustomerViewSet, basename="api-customers")
router.register("api/services", ServiceViewSet, basename="api-services")
router.register("api/products", ProductViewSet, basename="api-products")
router.register("api/assignments", AssignmentViewSet, basename="api-assignments")
router.register("api/invoices", InvoiceViewSet, basename="api-invoices")

urlpatterns = [
    *router.urls,
    both(r"api/auth/token", TokenApi.as_view(), name="api-token"),
    both(r"packages/api/assign-and-pay", AssignAndPayApi.as_view(), name="api-assign-and-pay"),
    both(
        r"api/schema", SpectacularAPIView.as_view(permission_classes=[IsCashier]), name="api-schema"
    ),
    both(
        r"api/docs",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[IsCashier]),
        name="api-docs",
    ),
    both(
        r"api/redoc",
        SpectacularRedocView.as_view(url_name="api-schema", permission_classes=[IsCashier]),
        name="api-redoc",
    ),
    # Last: any other path under the API prefixes is a JSON 404, not an HTML page.
    re_path(r"^(api|packages/api)/", api_not_found),
]
