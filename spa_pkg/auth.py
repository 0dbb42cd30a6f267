"""Django's model backend, reading a user's permissions in one query instead of two.

Every API call and page asks `user.has_perm` (spa_pkg.permissions); Django's ModelBackend
loads the user's own permissions and their groups' permissions with a query each. One
UNION does both, so checking permissions costs what checking group names used to.
"""
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class PermissionBackend(ModelBackend):
    """ModelBackend whose permission cache is filled by one query per user object."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
            else:
                own = self._get_user_permissions(user_obj).values_list("content_type__app_label", "codename")
                grouped = self._get_group_permissions(user_obj).values_list("content_type__app_label", "codename")
                rows = own.order_by().union(grouped.order_by())
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
