"""Root URLs. Contract paths answer both with and without a trailing slash (spa_pkg.routing.both)."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("spa_pkg.api_urls")),
    path("", include("receipts.urls")),
    path("", include("spa_pkg.page_urls")),
]
