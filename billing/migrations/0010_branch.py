import django.db.models.deletion
import branches.models
from django.db import migrations, models

from branches.migrating import attach_to_first_branch


class Migration(migrations.Migration):
    """Invoices and number series belong to a branch; what exists goes to the first one."""

    dependencies = [
        ('billing', '0009_refund'),
        ('branches', '0002_first_branch'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='numbersequence',
            name='sequence_unique_series_day',
        ),
        migrations.AddField(
            model_name='invoice',
            name='branch',
            field=models.ForeignKey(help_text='Where the bill was made.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='branches.branch'),
        ),
        migrations.AddField(
            model_name='numbersequence',
            name='branch',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.branch'),
        ),
        migrations.RunPython(attach_to_first_branch('billing.Invoice', 'billing.NumberSequence'), migrations.RunPython.noop),
        migrations.AlterField(
            model_name='invoice',
            name='branch',
            field=models.ForeignKey(help_text='Where the bill was made.', default=branches.models.default_branch_id, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='branches.branch'),
        ),
        migrations.AlterField(
            model_name='numbersequence',
            name='branch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.branch'),
        ),
        migrations.AddConstraint(
            model_name='numbersequence',
            constraint=models.UniqueConstraint(fields=('branch', 'series', 'day'), name='sequence_unique_branch_series_day'),
        ),
    ]
