"""The admin app, with the managers' site (spa_pkg.admin_site) as its default site."""
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "spa_pkg.admin_site.ManagersAdminSite"
