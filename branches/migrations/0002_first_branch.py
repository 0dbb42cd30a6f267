from django.db import migrations

from branches.migrating import create_first_branch


class Migration(migrations.Migration):
    """Make the first branch from the SPA_* settings: a single shop keeps working as before."""

    dependencies = [("branches", "0001_initial")]

    operations = [migrations.RunPython(create_first_branch, migrations.RunPython.noop)]
