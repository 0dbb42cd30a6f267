import django.db.models.deletion
import branches.models
from django.db import migrations, models

from branches.migrating import attach_to_first_branch


class Migration(migrations.Migration):
    """Where a package was sold and each session used, and the branches a template is valid at."""

    dependencies = [
        ('branches', '0002_first_branch'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('packages', '0013_after_sale_statuses'),
    ]

    operations = [
        migrations.AddField(
            model_name='packageassignment',
            name='branch',
            field=models.ForeignKey(help_text='Where it was sold.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assignments_sold', to='branches.branch'),
        ),
        migrations.AddField(
            model_name='packageusage',
            name='branch',
            field=models.ForeignKey(blank=True, help_text='Where it happened (a session is used at any branch).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='branches.branch'),
        ),
        migrations.CreateModel(
            name='TemplateBranch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('template_id', models.PositiveBigIntegerField()),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='branches.branch')),
                ('template_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'valid at branch',
                'verbose_name_plural': 'valid at branches (none: every branch)',
                'constraints': [models.UniqueConstraint(fields=('template_type', 'template_id', 'branch'), name='template_branch_unique')],
            },
        ),
        migrations.RunPython(attach_to_first_branch('packages.PackageAssignment', 'packages.PackageUsage'), migrations.RunPython.noop),
        migrations.AlterField(
            model_name='packageassignment',
            name='branch',
            field=models.ForeignKey(help_text='Where it was sold.', default=branches.models.default_branch_id, on_delete=django.db.models.deletion.PROTECT, related_name='assignments_sold', to='branches.branch'),
        ),
    ]
