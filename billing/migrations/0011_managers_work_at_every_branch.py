"""Managers are chain-wide: they work at every branch and keep who works where (branches app).

A cashier works at the branches a manager links them to (admin -> Branches, or the user's
page); a user who holds `branches.work_at_every_branch` may pick any branch. The Manager role
holds it, so a manager is never locked out of a branch.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER = {
    ("branches", "branch"): ("view_branch", "change_branch", "work_at_every_branch"),
    ("branches", "branchmembership"): (
        "view_branchmembership", "add_branchmembership", "change_branchmembership", "delete_branchmembership",
    ),
}
CASHIER = {("branches", "branch"): ("view_branch",)}
ROLES = {"Manager": MANAGER, "Cashier": CASHIER}


def _permissions(apps, using, spec):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for (app_label, model_name), codenames in spec.items():
        rows = list(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, content_type__model=model_name, codename__in=codenames
            )
        )
        missing = set(codenames) - {row.codename for row in rows}
        if missing:
            raise RuntimeError(f"Missing permissions {sorted(missing)} for {app_label}.{model_name}")
        found += rows
    return found


def give(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("branches")
    # post_migrate would only make them after this migration.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=using)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, spec in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*_permissions(apps, using, spec))


def take_back(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for name, spec in ROLES.items():
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*_permissions(apps, using, spec))


class Migration(migrations.Migration):
    dependencies = [("billing", "0010_branch"), ("branches", "0002_first_branch")]

    operations = [migrations.RunPython(give, take_back)]
