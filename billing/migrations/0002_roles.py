"""Create the Manager and Cashier groups with their model permissions.

Groups are identified by name ("Manager", "Cashier") everywhere in the code.
Permissions are normally created by a post_migrate signal, i.e. after this
migration runs on a fresh database, so they are created here first.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

TEMPLATES = [
    "prepaidpackage",
    "servicepackage",
    "membership",
    "studentoffer",
    "yearlymembership",
    "kittyparty",
]
ALL = ("add", "change", "delete", "view")

CASHIER = {
    "catalog": {"service": ("view",), "product": ("view",)},
    "customers": {"customer": ("view", "add", "change")},
    "packages": {
        **dict.fromkeys(TEMPLATES, ("view",)),
        # Selling a package is adding an assignment (through billing.services.assignment_sell).
        "packageassignment": ("view", "add"),
        "packagebenefittracker": ("view",),
        # The ledger is shown inline on the assignment page.
        "packageusage": ("view",),
    },
    "billing": {
        "invoice": ("view", "add"),
        "invoiceline": ("view", "add"),
        "payment": ("view", "add"),
    },
    "receipts": {"receipt": ("view",)},
}

# Managers do everything a cashier does, plus the catalogue, the templates,
# changing assignments (pause, notes) and invoices (void). Nobody deletes
# invoices, ledger rows or receipts.
MANAGER = {
    "catalog": {"service": ALL, "product": ALL},
    "customers": {"customer": ALL},
    "packages": {
        **dict.fromkeys(TEMPLATES, ALL),
        "packageassignment": ("view", "add", "change"),
        "packagebenefittracker": ("view",),
        "packageusage": ("view",),
    },
    "billing": {
        "invoice": ("view", "add", "change"),
        "invoiceline": ("view", "add"),
        "payment": ("view", "add"),
    },
    "receipts": {"receipt": ("view",)},
}

GROUPS = {"Manager": MANAGER, "Cashier": CASHIER}


def ensure_permissions(apps, using):
    """Create the permissions of every app now rather than after migrate."""
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module; the
        # migration state's stubs have none, so mark them for the call.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=using)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, spec in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        permissions = []
        for app_label, models in spec.items():
            for model_name, actions in models.items():
                codenames = [f"{action}_{model_name}" for action in actions]
                found = list(
                    Permission.objects.using(using).filter(
                        content_type__app_label=app_label,
                        content_type__model=model_name,
                        codename__in=codenames,
                    )
                )
                if len(found) != len(codenames):
                    missing = set(codenames) - {p.codename for p in found}
                    raise RuntimeError(f"Missing permissions {sorted(missing)} for {app_label}")
                permissions.extend(found)
        group.permissions.set(permissions)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
        ("customers", "0001_initial"),
        ("packages", "0001_initial"),
        ("receipts", "0001_initial"),
        # The app's own models migration is 0002_initial; this one follows it.
        ("billing", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
