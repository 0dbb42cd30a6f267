"""Every customer gets the random key behind their own link (customers/links.py)."""
from django.db import migrations, models

import customers.links


def fill_keys(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    rows = list(Customer.objects.only("pk"))
    for row in rows:
        row.page_key = customers.links.new_page_key()
    Customer.objects.bulk_update(rows, ["page_key"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_customer_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="page_key",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="customer",
            name="page_key",
            field=models.CharField(
                default=customers.links.new_page_key,
                editable=False,
                help_text="Random key behind the customer's own link (customers/links.py); a new key ends old links.",
                max_length=32,
                null=True,
                unique=True,
            ),
        ),
    ]
