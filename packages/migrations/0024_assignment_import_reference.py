"""Packages brought in from an earlier system keep its reference (issue 23); their journal rows say "Brought in"."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('packages', '0023_journal_lines_and_holders_from_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='packageassignment',
            name='import_reference',
            field=models.CharField(blank=True, editable=False, help_text="The earlier system's reference of a package brought in from it.", max_length=80, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='packageusage',
            name='kind',
            field=models.CharField(choices=[('sale', 'Sold'), ('redeem', 'Redeemed'), ('reversal', 'Given back (void)'), ('adjustment', 'Adjustment'), ('refund', 'Refunded'), ('transfer_out', 'Transferred out'), ('transfer_in', 'Transferred in'), ('extension', 'Expiry extended'), ('top_up', 'Topped up'), ('cancel', 'Sale voided'), ('time_release', 'Used up by time'), ('expiry', 'Expired'), ('import', 'Brought in'), ('pause', 'Paused'), ('resume', 'Resumed')], max_length=12),
        ),
    ]
