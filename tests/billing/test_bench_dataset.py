"""The bench dataset is what the services would have written: reconcile finds nothing, billing works on it."""
import pytest

from bench.dataset import build
from billing.services import CartItem, PaymentIn, invoice_create
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage, ServicePackage
from packages.services import assignment_create, balances_reconcile

pytestmark = pytest.mark.django_db


def test_the_bench_dataset_reconciles_and_can_be_billed(cashier):
    dataset = build(customers=30, assignments=120, log=lambda *args: None)

    report = balances_reconcile()

    assert (dataset.customers, dataset.assignments) == (30, 120)
    assert PackageAssignment.objects.count() == PackageUsage.objects.count() == 120
    assert PackageBenefitTracker.objects.count() == dataset.trackers
    assert (report.checked, report.differences) == (120, [])
    holder = PackageAssignment.objects.filter(package_type="service_package", status="active").first()
    result = invoice_create(
        customer=holder.customer_id, items=[CartItem("service", holder.service_id, 1)], cashier=cashier,
        use_credit=True, payments=[PaymentIn("cash")],
    )
    assert result.computation.lines[0].package_applied is not None
    # Rows inserted with explicit ids must not break the id sequence for the next sale.
    sold = assignment_create(customer=holder.customer, template=ServicePackage.objects.first(), service=holder.service)
    assert sold.pk > max(PackageAssignment.objects.exclude(pk=sold.pk).values_list("pk", flat=True))
