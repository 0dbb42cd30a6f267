"""The number sequences are keyed by branch, series and financial year; the day column goes (issue 23)."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0013_number_sequence_per_financial_year")]

    operations = [
        migrations.RemoveConstraint(model_name="numbersequence", name="sequence_unique_branch_series_day"),
        migrations.RemoveField(model_name="numbersequence", name="day"),
        migrations.AlterField(
            model_name="numbersequence",
            name="financial_year",
            field=models.PositiveSmallIntegerField(help_text="The year it starts in: 2026 for 2026-27."),
        ),
        migrations.AddConstraint(
            model_name="numbersequence",
            constraint=models.UniqueConstraint(
                fields=("branch", "series", "financial_year"), name="sequence_unique_branch_series_year"
            ),
        ),
    ]
