"""An assignment keeps its sale value (the price paid less the GST charged at sale).

Existing rows get their price paid, which is right for credit and for sales without an
invoice; billing's migration then corrects the sales that had a tax invoice.
"""
import djmoney.models.fields
import djmoney.money
from django.db import migrations, models


def sale_value_is_the_price_paid(apps, schema_editor):
    Assignment = apps.get_model("packages", "PackageAssignment")
    Assignment.objects.update(sale_value=models.F("price_paid"))


class Migration(migrations.Migration):

    dependencies = [
        ('packages', '0005_tracker_balance_used'),
    ]

    operations = [
        migrations.AddField(
            model_name='packageassignment',
            name='sale_value',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default=djmoney.money.Money(0, 'INR'), help_text='The price paid less the GST charged at sale (the taxable value); for untaxed credit, the price paid.', max_digits=12),
        ),
        migrations.AddField(
            model_name='packageassignment',
            name='sale_value_currency',
            field=djmoney.models.fields.CurrencyField(choices=[('INR', 'INR ₹')], default='INR', editable=False, max_length=3),
        ),
        migrations.RunPython(sale_value_is_the_price_paid, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='packageassignment',
            name='price_paid',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default=djmoney.money.Money(0, 'INR'), help_text='What the customer paid for the package, GST included when it was taxed.', max_digits=12),
        ),
        migrations.AddConstraint(
            model_name='packageassignment',
            constraint=models.CheckConstraint(condition=models.Q(('sale_value__gte', 0)), name='assignment_sale_value_not_negative'),
        ),
    ]
