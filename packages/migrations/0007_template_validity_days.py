"""A template's validity is in months or in days (the seed's "Validity: 60 days"): validity_days,
validity_months nullable, and checks that exactly one is set, days within 1..18262 (50 years).
Existing templates keep their months."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('packages', '0006_assignment_sale_value'),
    ]

    operations = [
        migrations.AddField(
            model_name='kittyparty',
            name='validity_days',
            field=models.PositiveIntegerField(blank=True, help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18262)]),
        ),
        migrations.AddField(
            model_name='membership',
            name='validity_days',
            field=models.PositiveIntegerField(blank=True, help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18262)]),
        ),
        migrations.AddField(
            model_name='prepaidpackage',
            name='validity_days',
            field=models.PositiveIntegerField(blank=True, help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18262)]),
        ),
        migrations.AddField(
            model_name='servicepackage',
            name='validity_days',
            field=models.PositiveIntegerField(blank=True, help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18262)]),
        ),
        migrations.AddField(
            model_name='yearlymembership',
            name='validity_days',
            field=models.PositiveIntegerField(blank=True, help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(18262)]),
        ),
        migrations.AlterField(
            model_name='kittyparty',
            name='validity_months',
            field=models.PositiveIntegerField(blank=True, default=3, help_text='Validity in months; leave empty to give it in days.', null=True),
        ),
        migrations.AlterField(
            model_name='membership',
            name='validity_months',
            field=models.PositiveIntegerField(blank=True, default=12, help_text='Validity in months; leave empty to give it in days.', null=True),
        ),
        migrations.AlterField(
            model_name='prepaidpackage',
            name='validity_months',
            field=models.PositiveIntegerField(blank=True, default=12, help_text='Validity in months; leave empty to give it in days.', null=True),
        ),
        migrations.AlterField(
            model_name='servicepackage',
            name='validity_months',
            field=models.PositiveIntegerField(blank=True, default=6, help_text='Validity in months; leave empty to give it in days.', null=True),
        ),
        migrations.AlterField(
            model_name='yearlymembership',
            name='validity_months',
            field=models.PositiveIntegerField(blank=True, default=12, help_text='Validity in months; leave empty to give it in days.', null=True),
        ),
        migrations.AddConstraint(
            model_name='kittyparty',
            constraint=models.CheckConstraint(condition=models.Q(('validity_days__gte', 1), ('validity_days__lte', 18262)), name='kitty_validity_days_range'),
        ),
        migrations.AddConstraint(
            model_name='kittyparty',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('validity_months__isnull', False), models.Q(('validity_days__isnull', False), _negated=True)), models.Q(('validity_days__isnull', False), models.Q(('validity_months__isnull', False), _negated=True)), _connector='OR'), name='kitty_validity_in_one_unit', violation_error_message='Give the validity in months or in days, not both.'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('validity_days__gte', 1), ('validity_days__lte', 18262)), name='membership_validity_days_range'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('validity_months__isnull', False), models.Q(('validity_days__isnull', False), _negated=True)), models.Q(('validity_days__isnull', False), models.Q(('validity_months__isnull', False), _negated=True)), _connector='OR'), name='membership_validity_in_one_unit', violation_error_message='Give the validity in months or in days, not both.'),
        ),
        migrations.AddConstraint(
            model_name='prepaidpackage',
            constraint=models.CheckConstraint(condition=models.Q(('validity_days__gte', 1), ('validity_days__lte', 18262)), name='prepaid_validity_days_range'),
        ),
        migrations.AddConstraint(
            model_name='prepaidpackage',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('validity_months__isnull', False), models.Q(('validity_days__isnull', False), _negated=True)), models.Q(('validity_days__isnull', False), models.Q(('validity_months__isnull', False), _negated=True)), _connector='OR'), name='prepaid_validity_in_one_unit', violation_error_message='Give the validity in months or in days, not both.'),
        ),
        migrations.AddConstraint(
            model_name='servicepackage',
            constraint=models.CheckConstraint(condition=models.Q(('validity_days__gte', 1), ('validity_days__lte', 18262)), name='servicepackage_validity_days_range'),
        ),
        migrations.AddConstraint(
            model_name='servicepackage',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('validity_months__isnull', False), models.Q(('validity_days__isnull', False), _negated=True)), models.Q(('validity_days__isnull', False), models.Q(('validity_months__isnull', False), _negated=True)), _connector='OR'), name='servicepackage_validity_in_one_unit', violation_error_message='Give the validity in months or in days, not both.'),
        ),
        migrations.AddConstraint(
            model_name='yearlymembership',
            constraint=models.CheckConstraint(condition=models.Q(('validity_days__gte', 1), ('validity_days__lte', 18262)), name='yearly_validity_days_range'),
        ),
        migrations.AddConstraint(
            model_name='yearlymembership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('validity_months__isnull', False), models.Q(('validity_days__isnull', False), _negated=True)), models.Q(('validity_days__isnull', False), models.Q(('validity_months__isnull', False), _negated=True)), _connector='OR'), name='yearly_validity_in_one_unit', violation_error_message='Give the validity in months or in days, not both.'),
        ),
    ]
