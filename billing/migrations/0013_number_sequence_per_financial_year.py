"""Number sequences count per financial year (1 April to 31 March), not per day (issue 23, docs/gst.md).

Each branch's day rows of a series are folded into one row per financial year. Where the
series keeps a format that prints the day ({date}), the year's row continues after every
number the year's days issued (their sum), so no new number can meet an old one (the old
INV261207-0012 came from the day's 12th; the next is INV261207-0153 when the year issued
152 so far). A format without the day (the default `{branch}/{fy}/{seq:05d}`) starts a
new series: its numbers print the year, which no old number did, so it starts at 1.
0014 then drops the day column and keys the rows by year.
"""
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import migrations, models

# The setting of each series' format (billing.numbering.SERIES_FORMATS as of this migration).
SERIES_FORMATS = {
    "INV": "INVOICE_NUMBER_FORMAT",
    "REC": "RECEIPT_NUMBER_FORMAT",
    "CN": "CREDIT_NOTE_NUMBER_FORMAT",
    "RV": "REFUND_VOUCHER_NUMBER_FORMAT",
}


def financial_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def continues_the_days(series: str) -> bool:
    """Whether the series' format prints the day, so its old numbers and the new ones can meet."""
    return "{date" in getattr(settings, SERIES_FORMATS.get(series, ""), "")


def fold_days_into_years(apps, schema_editor):
    NumberSequence = apps.get_model("billing", "NumberSequence")
    rows = NumberSequence.objects.using(schema_editor.connection.alias)
    years = defaultdict(list)
    for row in rows.order_by("day", "pk"):
        years[(row.branch_id, row.series, financial_year(row.day))].append(row)
    for (_, series, year), days in years.items():
        kept, *folded = days
        kept.financial_year = year
        kept.last_value = sum(day.last_value for day in days) if continues_the_days(series) else 0
        kept.day = None
        kept.save(update_fields=["financial_year", "last_value", "day"])
        rows.filter(pk__in=[day.pk for day in folded]).delete()


def years_back_to_days(apps, schema_editor):
    """Going back, each year's row becomes the row of its first day (1 April): numbers stay unique."""
    NumberSequence = apps.get_model("billing", "NumberSequence")
    for row in NumberSequence.objects.using(schema_editor.connection.alias).all():
        row.day = date(row.financial_year, 4, 1)
        row.save(update_fields=["day"])


class Migration(migrations.Migration):
    dependencies = [("billing", "0012_managers_override_package_price")]

    operations = [
        migrations.AddField(
            model_name="numbersequence",
            name="financial_year",
            field=models.PositiveSmallIntegerField(null=True, help_text="The year it starts in: 2026 for 2026-27."),
        ),
        migrations.AlterField(model_name="numbersequence", name="day", field=models.DateField(null=True)),
        migrations.RunPython(fold_days_into_years, years_back_to_days),
    ]
