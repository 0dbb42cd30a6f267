"""Migrations of issue 8 on a database with rows: columns renamed and values moved, nothing lost.

Each test migrates back, writes rows through the historical models, migrates forward and
reads the rows back with raw SQL; the fixture puts every app back on its latest migration.
"""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from djmoney.money import Money

pytestmark = pytest.mark.django_db(transaction=True)


def inr(amount) -> Money:
    return Money(Decimal(amount), "INR")


@pytest.fixture
def migrator():
    """Yield an executor; put every app back on its latest migration afterwards, whatever happened."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


SEED_COLUMNS_BEFORE = [("packages", "0003_template_validity_at_most_600_months")]
SEED_COLUMNS_AFTER = [("packages", "0005_tracker_balance_used")]
PRICE_PAID_BEFORE = [("billing", "0004_invoice_request_fingerprint"), ("packages", "0005_tracker_balance_used")]
PRICE_PAID_AFTER = [("billing", "0005_package_price_paid_includes_gst")]


def test_the_seed_column_names_migration_keeps_every_row(migrator):
    migrator.migrate(SEED_COLUMNS_BEFORE)
    old = migrator.loader.project_state(SEED_COLUMNS_BEFORE).apps
    customer = old.get_model("customers", "Customer").objects.create(name="Kavya Reddy", phone="+919845077120")
    prepaid = old.get_model("packages", "PrepaidPackage").objects.create(
        name="Prepaid 15,000", actual_price=inr("15000"), after_value=inr("17500")
    )
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="packages", model="prepaidpackage"
    )
    assignment = old.get_model("packages", "PackageAssignment").objects.create(
        customer=customer, package_type="prepaid", template_type=content_type, template_id=prepaid.pk,
        package_name="Prepaid 15,000", credit_amount=inr("17500"), credit_used=inr("1260"),
        credit_remaining=inr("16240"), price_paid=inr("15000"),
    )
    old.get_model("packages", "PackageBenefitTracker").objects.create(
        customer=customer, assignment=assignment, benefit_type="prepaid", total_count=0,
        discount_percent=Decimal("12.50"), balance_total=inr("17500"),
        balance_remaining=inr("16240"), valid_from="2026-01-01", valid_until="2027-01-01",
    )
    assert {"template_id", "credit_remaining", "credit_used"} <= columns("service_package_assignment")

    MigrationExecutor(connection).migrate(SEED_COLUMNS_AFTER)

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


def test_existing_sales_get_the_price_paid_with_gst_and_their_sale_value(migrator):
    migrator.migrate(PRICE_PAID_BEFORE)
    old = migrator.loader.project_state(PRICE_PAID_BEFORE).apps
    cashier = old.get_model("auth", "User").objects.create(username="migrating-cashier")
    customer = old.get_model("customers", "Customer").objects.create(name="Kavya Reddy", phone="+919845077120")
    ContentType = old.get_model("contenttypes", "ContentType")
    Assignment = old.get_model("packages", "PackageAssignment")
    package_type, _ = ContentType.objects.get_or_create(app_label="packages", model="servicepackage")
    prepaid_type, _ = ContentType.objects.get_or_create(app_label="packages", model="prepaidpackage")
    taxed = Assignment.objects.create(
        customer=customer, package_type="service_package", template_type=package_type, template_id=1,
        package_name="3+1 Facial", total_sessions=4, remaining_sessions=4, price_paid=inr("3600.00"),
    )
    credit = Assignment.objects.create(
        customer=customer, package_type="prepaid", template_type=prepaid_type, template_id=1,
        package_name="Prepaid", credit_amount=inr("17500"), credit_remaining=inr("17500"), price_paid=inr("15000.00"),
    )
    invoice = old.get_model("billing", "Invoice").objects.create(
        number="INV-20261123-0001", kind="package_sale", customer=customer, bill_date="2026-11-23", cashier=cashier,
        subtotal=inr("3600.00"), cgst=inr("90.00"), sgst=inr("90.00"), grand_total=inr("3780.00"),
        amount_payable=inr("3780.00"),
    )
    old.get_model("billing", "InvoiceLine").objects.create(
        invoice=invoice, line_type="package", name="3+1 Facial (package)", quantity=1, unit_price=inr("3600.00"),
        gross=inr("3600.00"), taxable_value=inr("3600.00"), gst_rate=Decimal("5.00"), cgst=inr("90.00"),
        sgst=inr("90.00"), total=inr("3780.00"), assignment=taxed,
    )

    MigrationExecutor(connection).migrate(PRICE_PAID_AFTER)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, price_paid, sale_value FROM service_package_assignment WHERE id IN (%s, %s) ORDER BY id",
            [taxed.pk, credit.pk],
        )
        found = {pk: (Decimal(str(paid)), Decimal(str(value))) for pk, paid, value in cursor.fetchall()}
    assert found == {
        taxed.pk: (Decimal("3780"), Decimal("3600")),
        credit.pk: (Decimal("15000"), Decimal("15000")),
    }
