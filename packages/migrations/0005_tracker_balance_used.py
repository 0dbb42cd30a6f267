"""package_benefit_tracker gets the seed's balance_used, filled for existing rows, and a check
that a credit balance adds up (balance_remaining = balance_total - balance_used)."""
import django.db.models.expressions
import djmoney.models.fields
import djmoney.money
from django.db import migrations, models


def fill_balance_used(apps, schema_editor):
    """What was used is what was given less what is left (zero for rows without a balance)."""
    Tracker = apps.get_model("packages", "PackageBenefitTracker")
    Tracker.objects.update(balance_used=models.F("balance_total") - models.F("balance_remaining"))


class Migration(migrations.Migration):

    dependencies = [
        ('packages', '0004_seed_column_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='packagebenefittracker',
            name='balance_used',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default=djmoney.money.Money(0, 'INR'), max_digits=12),
        ),
        migrations.AddField(
            model_name='packagebenefittracker',
            name='balance_used_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], default='INR', editable=False, max_length=3),
        ),
        migrations.RunPython(fill_balance_used, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='packagebenefittracker',
            constraint=models.CheckConstraint(condition=models.Q(('balance_used__gte', 0)), name='tracker_balance_used_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='packagebenefittracker',
            constraint=models.CheckConstraint(condition=models.Q(('balance_remaining', django.db.models.expressions.CombinedExpression(models.F('balance_total'), '-', models.F('balance_used')))), name='tracker_balance_adds_up'),
        ),
    ]
