"""Data migrations of customers, run forward from the migration before them."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("customers", "0002_customer_date_of_birth_in_the_past")
ASCII_PHONES = ("customers", "0003_customer_phone_ascii_digits")
PAGE_KEY = ("customers", "0006_customer_page_key")
CONSENT = ("customers", "0008_consent")


@pytest.fixture
def migrate_to():
    """Migrate the test database to a node and hand back the apps of that state; restore it after."""

    def migrate(node):
        executor = MigrationExecutor(connection)
        executor.migrate([node])
        return executor.loader.project_state([node]).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_phones_in_other_scripts_are_rewritten_in_ascii_unless_the_number_is_taken(migrate_to):
    old = migrate_to(BEFORE).get_model("customers", "Customer")
    arabic = old.objects.create(name="Asha Rao", phone="+91٩٨٤٥٠١٢٣٤٥")
    full_width = old.objects.create(name="Ravi Kumar", phone="+91９９００１２３４５６")
    ascii_twin = old.objects.create(name="Meera Iyer", phone="+919900011122")
    twin = old.objects.create(name="Meera I.", phone="+91٩٩٠٠٠١١١٢٢")

    customers = migrate_to(ASCII_PHONES).get_model("customers", "Customer")

    phones = dict(customers.objects.values_list("pk", "phone"))
    assert phones[arabic.pk] == "+919845012345"
    assert phones[full_width.pk] == "+919900123456"
    assert phones[ascii_twin.pk] == "+919900011122"
    assert phones[twin.pk] == "+91٩٩٠٠٠١١١٢٢"  # one person registered twice: a manager merges them


@pytest.mark.django_db(transaction=True)
def test_the_old_boolean_becomes_consent_rows_and_comes_back_on_the_way_down(migrate_to):
    old = migrate_to(PAGE_KEY).get_model("customers", "Customer")
    stopped = old.objects.create(name="Asha Rao", phone="+919845012345", reminders_opt_out=True)
    reminded = old.objects.create(name="Ravi Kumar", phone="+919900123456")

    new = migrate_to(CONSENT)
    consent = new.get_model("customers", "Consent")

    found = sorted(consent.objects.values_list("customer_id", "channel", "status", "how", "by_id"))
    assert found == [
        (stopped.pk, "email", "withdrawn", "import", None),
        (stopped.pk, "sms", "withdrawn", "import", None),
        (stopped.pk, "whatsapp", "withdrawn", "import", None),
        (reminded.pk, "email", "given", "import", None),
        (reminded.pk, "sms", "given", "import", None),
    ]
    assert all(
        words.startswith("Imported from the earlier setting")
        for words in consent.objects.values_list("words", flat=True)
    )

    back = migrate_to(PAGE_KEY).get_model("customers", "Customer")
    assert dict(back.objects.values_list("pk", "reminders_opt_out")) == {stopped.pk: True, reminded.pk: False}
