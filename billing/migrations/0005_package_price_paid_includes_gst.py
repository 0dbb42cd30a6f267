"""A package sold on a tax invoice records what the customer paid, GST included.

Before, `price_paid` held the price before GST and the customer paid the invoice's grand
total; now `price_paid` is that grand total and `sale_value` the taxable value (the seed's
"actual amount paid"; docs/journal.md).
"""
from django.db import migrations


def price_paid_from_the_sale_invoice(apps, schema_editor):
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    Assignment = apps.get_model("packages", "PackageAssignment")
    lines = (
        InvoiceLine.objects.filter(line_type="package", invoice__kind="package_sale", assignment__isnull=False)
        .select_related("invoice")
        .order_by("pk")
    )
    for line in lines.iterator():
        Assignment.objects.filter(pk=line.assignment_id).update(
            price_paid=line.invoice.grand_total.amount, sale_value=line.taxable_value.amount
        )


def price_paid_before_gst(apps, schema_editor):
    Assignment = apps.get_model("packages", "PackageAssignment")
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    lines = InvoiceLine.objects.filter(line_type="package", invoice__kind="package_sale", assignment__isnull=False)
    for line in lines.order_by("pk").iterator():
        Assignment.objects.filter(pk=line.assignment_id).update(price_paid=line.gross.amount)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0004_invoice_request_fingerprint'),
        ('packages', '0006_assignment_sale_value'),
    ]

    operations = [
        migrations.RunPython(price_paid_from_the_sale_invoice, price_paid_before_gst, elidable=False),
    ]
