"""Give the tokens that exist today their life row, and managers the token list with Revoke.

A token made before tokens expired has no recorded use: it gets one lifetime from this
migration (as if used now) rather than dying at once, so integrations keep working until
they sign in again. Permissions are normally created after migrate, so this app's are
created here first (as billing's 0006 does for axes).
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

CODENAMES = ("view_tokenlife", "delete_tokenlife")


def give_existing_tokens_a_life(apps, schema_editor):
    using = schema_editor.connection.alias
    Token = apps.get_model("authtoken", "Token")
    TokenLife = apps.get_model("api_tokens", "TokenLife")
    now = timezone.now()
    without = Token.objects.using(using).filter(life__isnull=True).values_list("key", flat=True)
    TokenLife.objects.using(using).bulk_create([TokenLife(token_id=key, last_used_at=now) for key in without])


def token_permissions(apps, using):
    app_config = apps.get_app_config("api_tokens")
    # create_permissions skips app configs without a models module; the migration state's have none.
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).filter(content_type__app_label="api_tokens", codename__in=CODENAMES)


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = list(token_permissions(apps, using))
    if len(permissions) != len(CODENAMES):
        raise RuntimeError(f"Missing API token permissions: found {sorted(p.codename for p in permissions)}")
    Group = apps.get_model("auth", "Group")
    manager, _ = Group.objects.using(using).get_or_create(name="Manager")
    manager.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(content_type__app_label="api_tokens", codename__in=CODENAMES)
    for group in Group.objects.using(using).filter(name="Manager"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("api_tokens", "0001_token_life"),
        # The Manager group and its permissions (0008 says the whole set of each role).
        ("billing", "0008_roles_hold_permissions"),
    ]

    operations = [
        migrations.RunPython(give_existing_tokens_a_life, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
