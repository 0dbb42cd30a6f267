"""Root URLs. Contract paths answer both with and without a trailing slash (core.routing.both)."""
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from core.api import api_not_found
from core.routing import both
from customers.views import stop_reminders
from notifications import webhooks


@require_safe
def favicon(request):
    """Answer /favicon.ico, which browsers ask for directly, with the icon from the static files."""
    found = finders.find("favicon.ico")
    if not found:
        raise Http404("No favicon in the static files.")
    return FileResponse(open(found, "rb"), content_type="image/x-icon")  # noqa: SIM115 - FileResponse closes it


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("spa_pkg.api_urls")),
    path("", include("receipts.urls")),
    path("", include("portal.urls")),
    path("", include("spa_pkg.page_urls")),
    # Open to anyone, no login (docs/messages.md): the opt-out link of every message (its signed
    # token names the customer and channel) and the providers' delivery reports (signed with HMAC).
    both(r"stop/(?P<token>[\w:.-]{10,400})", stop_reminders, name="stop-reminders"),
    both(r"webhooks/whatsapp", webhooks.whatsapp_webhook, name="webhook-whatsapp"),
    both(r"webhooks/sms", webhooks.sms_webhook, name="webhook-sms"),
    # Below the counter's pages: any other /integrated-billing/... path is the JSON API's 404.
    re_path(r"^integrated-billing/.", api_not_found),
]
