"""Migrating a database with rows to the seed's column names renames columns and loses nothing."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from djmoney.money import Money

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("packages", "0002_ledger_quantity_value")]
AFTER = [("packages", "0004_tracker_balance_used")]


@pytest.fixture
def migrator():
    """Yield an executor; put every app back on its latest migration afterwards, whatever happened."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def test_the_seed_column_names_migration_keeps_every_row(migrator):
    migrator.migrate(BEFORE)
    old = migrator.loader.project_state(BEFORE).apps
    customer = old.get_model("customers", "Customer").objects.create(name="Kavya Reddy", phone="+919845077120")
    prepaid = old.get_model("packages", "PrepaidPackage").objects.create(
        name="Prepaid 15,000", actual_price=Money("15000", "INR"), after_value=Money("17500", "INR")
    )
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="packages", model="prepaidpackage"
    )
    assignment = old.get_model("packages", "PackageAssignment").objects.create(
        customer=customer, package_type="prepaid", template_type=content_type, template_id=prepaid.pk,
        package_name="Prepaid 15,000", credit_amount=Money("17500", "INR"), credit_used=Money("1260", "INR"),
        credit_remaining=Money("16240", "INR"), price_paid=Money("15000", "INR"),
    )
    old.get_model("packages", "PackageBenefitTracker").objects.create(
        customer=customer, assignment=assignment, benefit_type="prepaid", total_count=0,
        discount_percent=Decimal("12.50"), balance_total=Money("17500", "INR"),
        balance_remaining=Money("16240", "INR"), valid_from="2026-01-01", valid_until="2027-01-01",
    )
    assert {"template_id", "credit_remaining", "credit_used"} <= columns("service_package_assignment")

    MigrationExecutor(connection).migrate(AFTER)

    assert {"package_reference_id", "remaining_credit", "remaining_credit_currency", "used_credit",
            "used_credit_currency"} <= columns("service_package_assignment")
    assert not {"template_id", "credit_remaining", "credit_used"} & columns("service_package_assignment")
    assert not {"assignment_id", "total_count", "discount_percent", "valid_until"} & columns("package_benefit_tracker")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT package_reference_id, credit_amount, remaining_credit, used_credit "
            "FROM service_package_assignment WHERE id = %s",
            [assignment.pk],
        )
        reference, credit, remaining, used = cursor.fetchone()
        cursor.execute(
            "SELECT package_assignment_id, total_allocated, balance_total, balance_used, balance_remaining, "
            "discount_percentage, valid_from, valid_to FROM package_benefit_tracker WHERE package_assignment_id = %s",
            [assignment.pk],
        )
        tracker = cursor.fetchone()
    assert reference == prepaid.pk
    assert [Decimal(str(value)) for value in (credit, remaining, used)] == [
        Decimal("17500"), Decimal("16240"), Decimal("1260")
    ]
    # balance_used is filled for rows made before it existed: what was given less what is left.
    assert tracker[0] == assignment.pk
    assert [Decimal(str(value)) for value in tracker[2:6]] == [
        Decimal("17500"), Decimal("1260"), Decimal("16240"), Decimal("12.50")
    ]
    assert [str(value) for value in tracker[6:]] == ["2026-01-01", "2027-01-01"]
