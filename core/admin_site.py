"""The admin site: the managers' (core.permissions.may_use_admin), not every staff user's.

Django's own site opens to any active staff user; a cashier ticked Staff would see the
customers, packages and invoices there. `spa_pkg.apps.AdminConfig` makes this the default site,
so every `admin.site.register` and `admin_view` asks this `has_permission`.
"""
from django.contrib import admin

from .permissions import may_use_admin


class ManagersAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return may_use_admin(request.user)
