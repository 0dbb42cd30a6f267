"""The integrators' API: seed contract paths and the REST resources.

Every route answers with and without its trailing slash, directly (no redirect): the
router's `trailing_slash` is the regex `/?`, and plain paths go through `both()`.
"""
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api_tokens.api import TokenApi
from billing.api.aftersale import VIEWS as AFTER_SALE_VIEWS
from billing.api.views import (
    AssignAndPayApi,
    InvoiceCreateApi,
    InvoiceViewSet,
    InvoiceVoidApi,
    PackageUsageApi,
    PreviewApi,
)
from catalog.api import ProductViewSet, ServiceViewSet
from core.api import JsonRefusalsMixin, OptionalSlashRouter, api_not_found
from core.permissions import HasPerm
from core.routing import ID, both
from customers.api import CustomerViewSet
from notifications.api import NotificationViewSet
from packages.api.views import AssignmentViewSet, CustomerPackagesApi, template_viewsets
from reports.api import VIEWS as REPORT_VIEWS


class SchemaView(JsonRefusalsMixin, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML, or JSON with `Accept: application/json` or `?format=json`)."""

    permission_classes = [HasPerm("read_api_docs")]


class SwaggerDocsView(JsonRefusalsMixin, SpectacularSwaggerView):
    """Swagger UI for cashiers and managers, served from the sidecar's static files."""

    permission_classes = [HasPerm("read_api_docs")]
    http_method_names = ["get", "head"]  # OPTIONS would try to render metadata as the page


router = OptionalSlashRouter()
for segment, viewset in template_viewsets().items():
    router.register(f"api/{segment}", viewset, basename=f"api-{segment}")
router.register("api/customers", CustomerViewSet, basename="api-customers")
router.register("api/services", ServiceViewSet, basename="api-services")
router.register("api/products", ProductViewSet, basename="api-products")
router.register("api/assignments", AssignmentViewSet, basename="api-assignments")
router.register("api/invoices", InvoiceViewSet, basename="api-invoices")
router.register("api/notifications", NotificationViewSet, basename="api-notifications")

urlpatterns = [
    *(
        both(rf"api/assignments/(?P<assignment_id>{ID})/{operation}", view.as_view(), name=f"api-assignment-{operation}")
        for operation, view in AFTER_SALE_VIEWS.items()
    ),
    *router.urls,
    both(r"api/auth/token", TokenApi.as_view(), name="api-token"),
    both(
        rf"integrated-billing/customer-packages/(?P<customer_id>{ID})",
        CustomerPackagesApi.as_view(),
        name="api-customer-packages",
    ),
    both(r"integrated-billing/preview", PreviewApi.as_view(), name="api-preview"),
    both(r"integrated-billing/invoices", InvoiceCreateApi.as_view(), name="api-invoice-create"),
    both(rf"integrated-billing/invoices/(?P<invoice_id>{ID})/void", InvoiceVoidApi.as_view(), name="api-invoice-void"),
    both(
        rf"integrated-billing/package-usage/(?P<assignment_id>{ID})",
        PackageUsageApi.as_view(),
        name="api-package-usage",
    ),
    both(r"packages/api/assign-and-pay", AssignAndPayApi.as_view(), name="api-assign-and-pay"),
    *(both(rf"api/reports/{name}", view.as_view(), name=f"api-reports-{name}") for name, view in REPORT_VIEWS.items()),
    both(r"api/schema", SchemaView.as_view(), name="api-schema"),
    both(r"api/docs", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path under the API prefixes is a JSON 404, not an HTML page.
    re_path(r"^(api|packages/api)/", api_not_found),
]
