"""One permission per action on templates of every kind, instead of one per kind's model.

`packages.view_template` and `packages.change_template` (core.permissions "read_templates",
"keep_templates") are checked for any kind, so a kind added later is covered by the roles
that hold them. Whoever held a kind's own permissions keeps the same reach: a group or a user
holding the view permission of any built-in template model gets `view_template`; one holding
its add, change or delete permission gets `change_template`. The per-model permissions stay
(Django makes them) but nothing asks for them any more.

It runs after the roles migrations of billing, which give the Manager and Cashier groups the
per-model permissions it reads (docs/design.md "Roles and templates").
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

TEMPLATE_MODELS = ("prepaidpackage", "servicepackage", "membership", "studentoffer", "yearlymembership", "kittyparty")
FROM = {
    "view_template": ("view",),
    "change_template": ("add", "change", "delete"),
}


def ensure_permissions(apps, using):
    """Create the new permissions now (post_migrate would only make them after the migration)."""
    app_config = apps.get_app_config("packages")
    app_config.models_module = True  # create_permissions skips app configs without one
    create_permissions(app_config, verbosity=0, apps=apps, using=using)
    app_config.models_module = None


def give_the_kind_agnostic_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    for codename, actions in FROM.items():
        new = Permission.objects.using(using).get(content_type__app_label="packages", codename=codename)
        old = Q(
            content_type__app_label="packages",
            codename__in=[f"{action}_{model}" for action in actions for model in TEMPLATE_MODELS],
        )
        held = Permission.objects.using(using).filter(old)
        for group in Group.objects.using(using).filter(permissions__in=held).distinct():
            group.permissions.add(new)
        for user in User.objects.using(using).filter(user_permissions__in=held).distinct():
            user.user_permissions.add(new)


def take_them_back(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(using).filter(
        content_type__app_label="packages", codename__in=list(FROM)
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('packages', '0025_template_figures_generated'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('billing', '0014_number_sequence_keyed_by_year'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='packageassignment',
            options={'ordering': ['expires_on', 'pk'], 'permissions': [('pause_assignment', 'Can pause and resume a package'), ('refund_assignment', 'Can refund a package'), ('transfer_assignment', 'Can transfer a package to another customer'), ('extend_assignment', "Can extend a package's expiry"), ('adjust_balance', "Can correct a package's balance"), ('top_up_assignment', "Can top up a package's credit"), ('override_package_price', 'Can sell a package at another price than its list price'), ('view_template', 'Can see package templates of every kind'), ('change_template', 'Can add, change and take off sale package templates of every kind')]},
        ),
        migrations.RunPython(give_the_kind_agnostic_permissions, take_them_back),
    ]
