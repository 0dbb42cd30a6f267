"""Consent per customer and channel (customers/consent.py) replaces the `reminders_opt_out` boolean.

What the boolean meant is recorded as consent rows, how = "import", at the time of the migration:
- opted out: e-mail, SMS and WhatsApp withdrawn;
- not opted out: e-mail and SMS given (reminders went to them as service messages before);
  WhatsApp gets no row, so it waits for the customer's own opt-in (a tap at the counter).
Backwards, the boolean comes back True for a customer whose every channel is withdrawn.
"""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OPTED_OUT_WORDS = "Imported from the earlier setting \"no reminders\" (the customer had opted out of all reminders)."
REMINDED_WORDS = (
    "Imported from the earlier setting: reminders on (no opt-out), sent by e-mail and SMS as service messages."
)
BATCH = 1000


def to_consent(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Consent = apps.get_model("customers", "Consent")
    now = django.utils.timezone.now()
    batch = []
    for pk, opted_out in Customer.objects.order_by("pk").values_list("pk", "reminders_opt_out").iterator(BATCH):
        if opted_out:
            rows = [("email", "withdrawn"), ("sms", "withdrawn"), ("whatsapp", "withdrawn")]
        else:
            rows = [("email", "given"), ("sms", "given")]
        words = OPTED_OUT_WORDS if opted_out else REMINDED_WORDS
        batch += [
            Consent(customer_id=pk, channel=channel, status=status, at=now, how="import", words=words)
            for channel, status in rows
        ]
        if len(batch) >= BATCH:
            Consent.objects.bulk_create(batch)
            batch = []
    if batch:
        Consent.objects.bulk_create(batch)


def from_consent(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Consent = apps.get_model("customers", "Consent")
    latest: dict[tuple[int, str], str] = {}
    for customer_id, channel, status in Consent.objects.order_by("at", "pk").values_list("customer_id", "channel", "status"):
        latest[(customer_id, channel)] = status
    opted_out = {
        customer_id
        for (customer_id, _), _status in latest.items()
        if all(latest.get((customer_id, channel)) == "withdrawn" for channel in ("email", "sms", "whatsapp"))
    }
    Customer.objects.filter(pk__in=opted_out).update(reminders_opt_out=True)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0007_data_request"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Consent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(choices=[("email", "E-mail"), ("sms", "SMS"), ("whatsapp", "WhatsApp")], max_length=10)),
                ("status", models.CharField(choices=[("given", "Given"), ("withdrawn", "Withdrawn")], max_length=10)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("how", models.CharField(choices=[("counter", "At the counter"), ("page", "On the customer's page"), ("import", "Imported"), ("link", "Opt-out link in a message"), ("admin", "In the admin"), ("api", "Through the API")], max_length=10)),
                ("words", models.TextField(help_text="The exact words the customer was shown.")),
                ("by", models.ForeignKey(blank=True, help_text="The user who recorded it; empty when the customer did it themselves (link, page) or an import.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="consents", to="customers.customer")),
            ],
            options={
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["customer", "channel", "-at"], name="consent_latest")],
            },
        ),
        migrations.RunPython(to_consent, from_consent),
        migrations.RemoveField(model_name="customer", name="reminders_opt_out"),
    ]
