"""What the migrations that bring in branches run: the first branch, and every old row attached to it.

Kept here (not inside one migration) so every app's migration and the tests use the same code.
The first branch is not validated: a shop already running with its SPA_* settings migrates
whatever its GSTIN looks like, and a manager fixes it in admin.
"""
from django.conf import settings


def first_branch_id(apps) -> int:
    """Return the id of the first branch, making it from the SPA_* settings if there is none."""
    Branch = apps.get_model("branches", "Branch")
    existing = Branch.objects.order_by("pk").values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    return Branch.objects.create(
        code=getattr(settings, "SPA_BRANCH_CODE", "MAIN"),
        name=settings.SPA_NAME,
        address=settings.SPA_ADDRESS,
        phone=settings.SPA_PHONE,
        gstin=settings.SPA_GSTIN,
        state_code=settings.SPA_STATE_CODE,
        is_active=True,
    ).pk


def create_first_branch(apps, schema_editor):
    first_branch_id(apps)


def attach_to_first_branch(*models: str):
    """Return a RunPython function that gives every row of `models` ("app.Model") without a branch the first one."""

    def attach(apps, schema_editor):
        branch_id = None
        for label in models:
            model = apps.get_model(*label.split("."))
            rows = model.objects.filter(branch__isnull=True)
            if rows.exists():
                branch_id = branch_id or first_branch_id(apps)
                rows.update(branch_id=branch_id)
        if branch_id is not None and schema_editor.connection.vendor == "postgresql":
            # Check the deferred foreign keys now: the same migration then alters these tables,
            # which PostgreSQL refuses while trigger events are pending.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    return attach


def database_cache_tables() -> list[str]:
    """Return the tables of the configured caches that live in the database (DatabaseCache)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache

    return [caches[alias]._table for alias in settings.CACHES if isinstance(caches[alias], BaseDatabaseCache)]


def create_cache_tables(apps, schema_editor):
    """Create the database cache's table, so that `migrate` alone gives a working site.

    Without it sign-in (lockouts, throttles) answers 500 until `createcachetable` runs.
    The command skips a table that exists, and a cache that is not in the database (Redis).
    """
    from django.core.management import call_command

    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for table in database_cache_tables():
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
