"""Managers may sell a package at another price than its list price; cashiers may not (docs/pricing.md).

`packages.override_package_price` (packages 0016) is what billing.services.pricing asks
before a sale at another price, or with a discount beyond CASHIER_MAX_DISCOUNT_PERCENT.
The Manager role holds it; a superuser holds every permission anyway.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {"Manager": {("packages", "packageassignment"): ("override_package_price",)}}


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
    app_config = apps.get_app_config("packages")
    # post_migrate would only make the new permission after this migration.
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
    dependencies = [
        ("billing", "0011_managers_work_at_every_branch"),
        ("packages", "0016_assignment_price_note_and_override_permission"),
    ]

    operations = [migrations.RunPython(give, take_back)]
