"""Let managers see and delete sign-in lockouts (django-axes access attempts) in the admin.

Deleting the attempt of a username and address unlocks it at once. Permissions are
normally created after migrate, so axes' are created here first (as 0002_roles does).
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_accessattempt", "delete_accessattempt")


def axes_permissions(apps, using):
    app_config = apps.get_app_config("axes")
    # create_permissions skips app configs without a models module; the migration state's have none.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).filter(content_type__app_label="axes", codename__in=CODENAMES)


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = list(axes_permissions(apps, using))
    if len(permissions) != len(CODENAMES):
        raise RuntimeError(f"Missing axes permissions: found {sorted(p.codename for p in permissions)}")
    Group = apps.get_model("auth", "Group")
    manager, _ = Group.objects.using(using).get_or_create(name="Manager")
    manager.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(content_type__app_label="axes", codename__in=CODENAMES)
    for group in Group.objects.using(using).filter(name="Manager"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_roles"),
        ("billing", "0005_package_price_paid_includes_gst"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
