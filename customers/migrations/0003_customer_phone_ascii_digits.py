"""Rewrite stored phones typed in another script's digits (٩٨٤٥٠١٢٣٤٥, ９８４５０...) in ASCII."""
import unicodedata

from django.db import migrations


def ascii_digits(text: str) -> str:
    # A frozen copy of customers.validators.ascii_digits (migrations do not import app code).
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def phones_in_ascii(apps, schema_editor):
    """Rewrite each phone with non-ASCII digits, unless its ASCII form is another customer's.

    Such a pair is one person registered twice; the duplicate keeps its phone until a
    manager merges the two.
    """
    Customer = apps.get_model("customers", "Customer")
    taken = set(Customer.objects.values_list("phone", flat=True))
    for customer in Customer.objects.exclude(phone__regex=r"^\+?[0-9]*$").order_by("pk"):
        phone = ascii_digits(customer.phone)
        if phone in taken:
            continue
        taken.add(phone)
        Customer.objects.filter(pk=customer.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_date_of_birth_in_the_past"),
    ]

    operations = [
        migrations.RunPython(phones_in_ascii, migrations.RunPython.noop),
    ]
