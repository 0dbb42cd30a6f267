"""The journal's daily summary (docs/journal.md "The daily summary") and the index of rows that move value.

The watermark row starts at 0: nothing is folded until `fold_journal` runs, and until then the
reports read every row live, as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def watermark(apps, schema_editor):
    apps.get_model("packages", "JournalFold").objects.get_or_create(pk=1, defaults={"upto_id": 0})


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0003_database_cache_table'),
        ('packages', '0020_journal_from_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='JournalDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('business_day', models.DateField(null=True)),
                ('package_type', models.CharField(blank=True, max_length=20)),
                ('event', models.CharField(choices=[('sale', 'Sale'), ('renewal', 'Renewal'), ('top_up', 'Top-up'), ('import', 'Import'), ('redemption', 'Redemption'), ('refund', 'Refund'), ('transfer_out', 'Transfer out'), ('transfer_in', 'Transfer in'), ('expiry', 'Expiry'), ('adjustment', 'Adjustment'), ('reinstatement', 'Reinstatement'), ('note', 'No value moved')], max_length=14)),
                ('rows', models.BigIntegerField(default=0)),
                ('value_paise', models.BigIntegerField(default=0)),
                ('sessions', models.BigIntegerField(default=0)),
                ('credit_paise', models.BigIntegerField(default=0)),
            ],
            options={
                'db_table': 'package_journal_day',
            },
        ),
        migrations.CreateModel(
            name='JournalFold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('upto_id', models.BigIntegerField(default=0)),
                ('folded_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'db_table': 'package_journal_fold',
            },
        ),
        migrations.AddIndex(
            model_name='packageusage',
            index=models.Index(condition=models.Q(('package_type__in', ('membership', 'student_offer', 'yearly_membership')), models.Q(('value_delta', 0), _negated=True)), fields=['assignment', 'business_day'], include=('value_delta',), name='journal_value_moves'),
        ),
        migrations.AddField(
            model_name='journalday',
            name='home_branch',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.branch'),
        ),
        migrations.AddIndex(
            model_name='journalday',
            index=models.Index(fields=['business_day', 'home_branch', 'package_type'], name='journal_day_sums'),
        ),
        migrations.RunPython(watermark, migrations.RunPython.noop),
    ]
