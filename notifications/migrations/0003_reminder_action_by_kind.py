"""Low-balance reminders ask for what the package allows: "Top up" (credit) or "Renew" (the others).

The stored texts that still hold the old default ("Top up or renew at ...") get the new one;
a text the spa edited is left as it is.
"""
from django.db import migrations, models

OLD = "Top up or renew at {{ spa_phone }}."
NEW = "{{ action }} at {{ spa_phone }}."


def reword(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for row in MessageTemplate.objects.using(schema_editor.connection.alias).filter(kind="low_balance", body__contains=OLD):
        row.body = row.body.replace(OLD, NEW)
        row.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_default_texts_and_role_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagetemplate",
            name="body",
            field=models.TextField(
                help_text="Placeholders: {{ customer_name }}, {{ package_name }}, {{ left }}, {{ action }}, "
                "{{ expires_on }}, {{ days_left }}, {{ spa_name }}, {{ spa_phone }}."
            ),
        ),
        migrations.RunPython(reword, migrations.RunPython.noop),
    ]
