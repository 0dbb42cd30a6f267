"""Give each role (group) its whole set of permissions: groups only bundle permissions.

The code never asks for a group: it asks `user.has_perm(...)` with the permissions that
`core.permissions` names for each action. This migration is the one place that says
which permissions the Manager and Cashier groups hold (0002 created them, 0006 gave the
Manager the sign-in lockouts); a manager gives a person a role in admin -> Users -> groups,
or single permissions on the user.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

TEMPLATES = ("prepaidpackage", "servicepackage", "membership", "studentoffer", "yearlymembership", "kittyparty")
ALL = ("add", "change", "delete", "view")

# Model permissions ("view" -> view_<model>) and custom ones (full codenames) per app and model.
CASHIER = {
    "catalog": {"service": ("view",), "product": ("view",)},
    "customers": {"customer": ("view", "add", "change")},
    "packages": {
        **dict.fromkeys(TEMPLATES, ("view",)),
        # Selling a package is adding an assignment (billing.services.assignment_sell).
        "packageassignment": ("view", "add"),
        "packagebenefittracker": ("view",),
        "packageusage": ("view",),
    },
    "billing": {
        # Billing at the counter is adding an invoice.
        "invoice": ("view", "add"),
        "invoiceline": ("view", "add"),
        "payment": ("view", "add"),
    },
    "receipts": {"receipt": ("view",)},
}

# Everything a cashier does, plus the catalogue, the templates, what happens to a package
# after the sale, voids and reports. Nobody deletes invoices, ledger rows or receipts.
MANAGER = {
    "catalog": {"service": ALL, "product": ALL},
    "customers": {"customer": ALL},
    "packages": {
        **dict.fromkeys(TEMPLATES, ALL),
        "packageassignment": (
            "view", "add", "change",
            "pause_assignment", "refund_assignment", "transfer_assignment",
            "extend_assignment", "adjust_balance", "top_up_assignment",
        ),
        "packagebenefittracker": ("view",),
        "packageusage": ("view",),
    },
    "billing": {
        "invoice": ("view", "add", "change", "void_invoice", "view_reports"),
        "invoiceline": ("view", "add"),
        "payment": ("view", "add"),
    },
    "receipts": {"receipt": ("view",)},
    # Seeing and clearing sign-in lockouts (0006).
    "axes": {"accessattempt": ("view", "delete")},
}

GROUPS = {"Manager": MANAGER, "Cashier": CASHIER}
CUSTOM = {
    "packages": (
        "pause_assignment", "refund_assignment", "transfer_assignment",
        "extend_assignment", "adjust_balance", "top_up_assignment",
    ),
    "billing": ("void_invoice", "view_reports"),
}


def codename(action: str, model_name: str) -> str:
    return f"{action}_{model_name}" if action in ALL else action


def ensure_permissions(apps, using):
    """Create every app's permissions now (post_migrate would only make them after this migration)."""
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module; the migration state's have none.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=using)
        app_config.models_module = None


def permissions_of(apps, using, spec):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, models in spec.items():
        for model_name, actions in models.items():
            codenames = {codename(action, model_name) for action in actions}
            rows = list(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, content_type__model=model_name, codename__in=codenames
                )
            )
            missing = codenames - {row.codename for row in rows}
            if missing:
                raise RuntimeError(f"Missing permissions {sorted(missing)} for {app_label}.{model_name}")
            found += rows
    return found


def give_each_group_its_set(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    for name, spec in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions_of(apps, using, spec))


def take_back_the_custom_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in CUSTOM.items():
        custom = Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
        for group in Group.objects.using(using).filter(name__in=GROUPS):
            group.permissions.remove(*custom)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_manager_clears_login_lockouts"),
        ("billing", "0007_invoice_void_and_reports_permissions"),
        ("packages", "0009_assignment_after_sale_permissions"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(give_each_group_its_set, take_back_the_custom_permissions)]
