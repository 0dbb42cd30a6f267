"""The migrations of issue 15 on a shop with rows: the first branch made from SPA_*, everything attached to it."""
import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.test_migrations import inr

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("billing", "0009_refund"),
    ("receipts", "0002_refund_voucher"),
    ("packages", "0013_after_sale_statuses"),
    ("branches", None),
]


@pytest.fixture
def migrator():
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_existing_shop_gets_its_first_branch_and_every_row_is_attached_to_it(migrator):
    migrator.migrate(BEFORE)
    old = migrator.loader.project_state(BEFORE[:3]).apps  # ("branches", None): no branches app yet
    user = old.get_model("auth", "User").objects.create(username="old-cashier")
    customer = old.get_model("customers", "Customer").objects.create(name="Kavya Reddy", phone="+919845077120")
    receipt = old.get_model("receipts", "Receipt").objects.create(
        number="REC-20260101-0001", customer=customer, amount=inr("100"), snapshot={}
    )
    invoice = old.get_model("billing", "Invoice").objects.create(
        number="INV-20260101-0001", customer=customer, bill_date="2026-01-01", cashier=user, receipt=receipt
    )
    old.get_model("billing", "NumberSequence").objects.create(series="INV", day="2026-01-01", last_value=1)
    prepaid = old.get_model("packages", "PrepaidPackage").objects.create(
        name="Prepaid 15,000", actual_price=inr("15000"), after_value=inr("17500")
    )
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="packages", model="prepaidpackage"
    )
    assignment = old.get_model("packages", "PackageAssignment").objects.create(
        customer=customer, package_type="prepaid", template_type=content_type, template_id=prepaid.pk,
        package_name="Prepaid 15,000", credit_amount=inr("17500"), credit_remaining=inr("17500"),
    )
    usage = old.get_model("packages", "PackageUsage").objects.create(assignment=assignment, kind="sale")

    migrator = MigrationExecutor(connection)
    migrator.migrate(migrator.loader.graph.leaf_nodes())

    new = migrator.loader.project_state(migrator.loader.graph.leaf_nodes()).apps
    branches = list(new.get_model("branches", "Branch").objects.values_list("pk", "code", "name", "gstin", "state_code"))
    assert len(branches) == 1
    first_id, *details = branches[0]
    assert details == [settings.SPA_BRANCH_CODE, settings.SPA_NAME, settings.SPA_GSTIN, settings.SPA_STATE_CODE]
    for model, pk in [
        ("billing.Invoice", invoice.pk), ("receipts.Receipt", receipt.pk),
        ("packages.PackageAssignment", assignment.pk), ("packages.PackageUsage", usage.pk),
    ]:
        assert new.get_model(*model.split(".")).objects.get(pk=pk).branch_id == first_id, model
    assert new.get_model("billing", "NumberSequence").objects.get().branch_id == first_id
    manager = new.get_model("auth", "Group").objects.get(name="Manager")
    assert manager.permissions.filter(codename="work_at_every_branch").exists()
