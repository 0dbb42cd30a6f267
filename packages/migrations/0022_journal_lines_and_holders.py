"""What each journal row does to the liability's counts, and a time kind's line (docs/journal.md "The snapshot", "Time kinds").

The columns start empty; 0023 fills them for the rows already there. The index of the rows
that set a line replaces the one of a time kind's rows that move value.
"""

import djmoney.models.fields
import djmoney.money
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0003_database_cache_table'),
        ('packages', '0021_journal_daily_summary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='packageusage',
            name='journal_value_moves',
        ),
        migrations.AddField(
            model_name='journalday',
            name='credit_held_paise',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='journalday',
            name='holders',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='journalday',
            name='sessions_held',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='credit_held_delta',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default=djmoney.money.Money(0, 'INR'), max_digits=12),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='credit_held_delta_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], default='INR', editable=False, max_length=3),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='holders_delta',
            field=models.SmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='line_end',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='line_from',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='sessions_held_delta',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='value_after',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default=djmoney.money.Money(0, 'INR'), help_text='The value the package holds after the row.', max_digits=12),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='value_after_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], default='INR', editable=False, max_length=3),
        ),
        migrations.AlterField(
            model_name='packageusage',
            name='kind',
            field=models.CharField(choices=[('sale', 'Sold'), ('redeem', 'Redeemed'), ('reversal', 'Given back (void)'), ('adjustment', 'Adjustment'), ('refund', 'Refunded'), ('transfer_out', 'Transferred out'), ('transfer_in', 'Transferred in'), ('extension', 'Expiry extended'), ('top_up', 'Topped up'), ('cancel', 'Sale voided'), ('time_release', 'Used up by time'), ('expiry', 'Expired'), ('pause', 'Paused'), ('resume', 'Resumed')], max_length=12),
        ),
        migrations.AddIndex(
            model_name='packageusage',
            index=models.Index(condition=models.Q(('line_from__isnull', False)), fields=['assignment', 'business_day', 'id'], include=('value_after', 'line_from', 'line_end', 'package_type', 'home_branch'), name='journal_time_lines'),
        ),
    ]
