import django.db.models.deletion
import branches.models
from django.db import migrations, models

from branches.migrating import attach_to_first_branch


class Migration(migrations.Migration):
    """Receipts belong to the branch that issued them; what exists goes to the first one."""

    dependencies = [
        ('branches', '0002_first_branch'),
        ('receipts', '0002_refund_voucher'),
    ]

    operations = [
        migrations.AddField(
            model_name='receipt',
            name='branch',
            field=models.ForeignKey(help_text='The branch that issued it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='branches.branch'),
        ),
        migrations.RunPython(attach_to_first_branch('receipts.Receipt'), migrations.RunPython.noop),
        migrations.AlterField(
            model_name='receipt',
            name='branch',
            field=models.ForeignKey(help_text='The branch that issued it.', default=branches.models.default_branch_id, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='branches.branch'),
        ),
    ]
