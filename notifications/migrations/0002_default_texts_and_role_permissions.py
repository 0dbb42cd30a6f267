"""Give the spa the default message texts to edit, and the roles their reminder permissions.

Cashiers see the reminder log (the counter shows a customer's last reminder); managers
also resend failed ones and edit the texts.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

CASHIER = {"notification": ("view",)}
MANAGER = {"notification": ("view", "change"), "messagetemplate": ("view", "add", "change", "delete")}


def texts(apps, schema_editor):
    from notifications.messages import default_template

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    using = schema_editor.connection.alias
    for kind in ("expiry", "low_balance", "completed", "expired"):
        for channel in ("email", "sms", "whatsapp"):
            default = default_template(kind, channel)
            MessageTemplate.objects.using(using).get_or_create(
                kind=kind, channel=channel, defaults={"subject": default.subject, "body": default.body}
            )


def permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps, using=using)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in (("Cashier", CASHIER), ("Manager", MANAGER)):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for model_name, actions in spec.items():
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label="notifications",
                    content_type__model=model_name,
                    codename__in=[f"{action}_{model_name}" for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("billing", "0008_roles_hold_permissions"),
    ]

    operations = [
        migrations.RunPython(texts, migrations.RunPython.noop),
        migrations.RunPython(permissions, migrations.RunPython.noop),
    ]
