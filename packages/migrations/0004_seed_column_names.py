"""Give the two seed tables the seed's column names, so its troubleshooting queries run as written.

Only columns are renamed (db_column); the Python names and every row stay. On PostgreSQL
each is an ALTER TABLE ... RENAME COLUMN (indexes and constraints follow the column); on
SQLite Django renames the column or rebuilds the table, keeping the rows.
"""
import django.db.models.deletion
import djmoney.models.fields
import djmoney.money
from decimal import Decimal
from django.db import migrations, models

import core.fields


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('customers', '0001_initial'),
        ('packages', '0003_template_validity_at_most_600_months'),
    ]

    operations = [
        # service_package_assignment: template_id -> package_reference_id,
        # credit_remaining -> remaining_credit, credit_used -> used_credit (and their currency columns).
        migrations.AlterField(
            model_name='packageassignment',
            name='template_id',
            field=models.PositiveBigIntegerField(db_column='package_reference_id'),
        ),
        migrations.AlterField(
            model_name='packageassignment',
            name='credit_remaining',
            field=core.fields.ColumnMoneyField(db_column='remaining_credit', decimal_places=2, default=djmoney.money.Money(0, 'INR'), max_digits=12),
        ),
        migrations.AlterField(
            model_name='packageassignment',
            name='credit_remaining_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], db_column='remaining_credit_currency', default='INR', editable=False, max_length=3),
        ),
        migrations.AlterField(
            model_name='packageassignment',
            name='credit_used',
            field=core.fields.ColumnMoneyField(db_column='used_credit', decimal_places=2, default=djmoney.money.Money(0, 'INR'), max_digits=12),
        ),
        migrations.AlterField(
            model_name='packageassignment',
            name='credit_used_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], db_column='used_credit_currency', default='INR', editable=False, max_length=3),
        ),
        # package_benefit_tracker: assignment_id -> package_assignment_id, total_count -> total_allocated,
        # discount_percent -> discount_percentage, valid_until -> valid_to.
        migrations.AlterField(
            model_name='packagebenefittracker',
            name='assignment',
            field=models.ForeignKey(db_column='package_assignment_id', on_delete=django.db.models.deletion.CASCADE, related_name='trackers', to='packages.packageassignment'),
        ),
        migrations.AlterField(
            model_name='packagebenefittracker',
            name='total_count',
            field=models.PositiveIntegerField(db_column='total_allocated', default=0),
        ),
        migrations.AlterField(
            model_name='packagebenefittracker',
            name='discount_percent',
            field=models.DecimalField(db_column='discount_percentage', decimal_places=2, default=Decimal('0.00'), max_digits=5),
        ),
        migrations.AlterField(
            model_name='packagebenefittracker',
            name='valid_until',
            field=models.DateField(blank=True, db_column='valid_to', null=True),
        ),
    ]
