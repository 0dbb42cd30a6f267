from django.db import migrations

from branches.migrating import create_cache_tables, drop_cache_tables


class Migration(migrations.Migration):
    """Create the database cache's table (when the cache lives in the database): `migrate` is enough."""

    dependencies = [("branches", "0002_first_branch")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables, elidable=False)]
