"""Who is calling, and what they may do, in one query per request.

Every API call and page asks `user.has_perm` (core.permissions). Django's ModelBackend
would load the user, then their own permissions and their groups' permissions with a query
each; DRF's TokenAuthentication reads the token and the user first. Here the user row comes
with every permission name they hold (their own and their groups', as one text column), so
a call authenticated by token (api_tokens.authentication, which adds the token's dates to
the same row), or a page by session, costs one query before its own work.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Aggregate, CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat

from .compiled import CompiledQuery

SEPARATOR = " "  # permission names ("app_label.codename") never hold a space


class TextList(StringAgg):
    """The values joined with `delimiter` (SEPARATOR unless told): Django's StringAgg on PostgreSQL.

    Django 5.2's StringAgg is PostgreSQL's only; SQLite (development, the tests) gets the same
    from GROUP_CONCAT(value, delimiter). The order of the values is the database's either way.
    """

    output_field = CharField()

    def __init__(self, expression, delimiter: str = SEPARATOR, **extra):
        super().__init__(expression, delimiter, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return Aggregate.as_sql(
            self, compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)", **extra_context
        )


def _permission_names():
    """A subquery: every permission the outer user holds, directly or through a group, as one text."""
    held = (
        Permission.objects.filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
        .order_by()
        .annotate(full_name=Concat("content_type__app_label", Value("."), "codename", output_field=CharField()))
        .annotate(together=Value(1))
        .values("together")
        .annotate(names=TextList("full_name"))
        .values("names")
    )
    return Subquery(held, output_field=CharField())


def compiled_user_read(lookup: str, **columns: str) -> CompiledQuery:
    """Return the read of the user whose `lookup` matches, with their permission names (and `columns`).

    `columns` names more values of the same row by their lookup path
    (`token_created="auth_token__created"`). Compiled once, run on every request.
    """

    def build(value):
        model = get_user_model()
        return (
            model._base_manager.filter(**{lookup: value})
            .annotate(permission_names=_permission_names())
            .order_by()
            .values(
                *(field.attname for field in model._meta.concrete_fields),
                "permission_names",
                **{name: F(path) for name, path in columns.items()},
            )[:1]
        )

    return CompiledQuery(build)


_BY_PK = compiled_user_read("pk")


def user_from_row(row):
    """Build the user of a `compiled_user_read` row, with their permission cache filled."""
    model = get_user_model()
    names = [field.attname for field in model._meta.concrete_fields]
    user = model.from_db(model._base_manager.db, names, [row[name] for name in names])
    user.permission_names = row["permission_names"]
    if not user.is_superuser:  # a superuser holds every permission (has_perm knows)
        user._perm_cache = set(filter(None, (user.permission_names or "").split(SEPARATOR)))
    return user


def user_with_permissions(*, pk):
    """Return the user `pk` with their permission cache filled, in one query (None if none)."""
    rows = _BY_PK.run(value=int(pk))
    return user_from_row(rows[0]) if rows else None


class PermissionBackend(ModelBackend):
    """ModelBackend whose users arrive with their permissions (sessions: one query per request)."""

    def get_user(self, user_id):
        user = user_with_permissions(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            else:
                user_obj._perm_cache = getattr(user_with_permissions(pk=user_obj.pk), "_perm_cache", set())
        return user_obj._perm_cache
