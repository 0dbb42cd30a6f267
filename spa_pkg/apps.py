"""The admin app, with the managers' site (core.admin_site) as its default site."""
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "core.admin_site.ManagersAdminSite"
