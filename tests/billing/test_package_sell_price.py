"""assignment_sell decides who may sell at another price and at what GST rate, for every path that sells."""
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from billing.services import PaymentIn, assignment_sell
from billing.services.pricing import PriceOverrideRefused, TaxRateMismatch
from packages.models import PackageAssignment, PackageUsage
from receipts.models import Receipt
from tests.factories import PrepaidPackageFactory, ServicePackageFactory, UserFactory

pytestmark = pytest.mark.django_db


def nothing_written():
    return not (
        PackageAssignment.objects.exists()
        or PackageUsage.objects.exists()
        or Invoice.objects.exists()
        or Payment.objects.exists()
        or Receipt.objects.exists()
    )


@pytest.mark.parametrize(
    "price", [{"price_paid": Decimal("1")}, {"discount": Decimal("14999")}], ids=["price-paid", "discount"]
)
def test_package_sell_refuses_a_cashiers_price_of_their_own(customer, cashier, price):
    with pytest.raises(PriceOverrideRefused) as refused:
        assignment_sell(
            customer=customer, template=PrepaidPackageFactory(), user=cashier, payment=PaymentIn("cash"), **price
        )

    assert refused.value.status_code == 403
    assert list(refused.value.errors) == list(price)
    assert nothing_written()


def test_a_superuser_holds_the_permission_without_a_role(customer):
    boss = UserFactory(username="owner", is_superuser=True)

    result = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=boss, price_paid=Decimal("14000"),
        payment=PaymentIn("cash"),
    )

    assert result.assignment.price_note == "Price set to ₹14,000.00 by owner (list ₹15,000.00)"
    assert result.receipt.snapshot["price_note"] == result.assignment.price_note


def test_a_sale_at_the_list_price_records_no_override(customer, cashier, facial):
    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash")
    )

    assert result.assignment.price_note == ""
    assert PackageUsage.objects.get().note == "Package sold"


def test_package_sell_refuses_a_tax_rate_that_is_not_the_covered_services(customer, manager, facial):
    with pytest.raises(TaxRateMismatch) as refused:
        assignment_sell(
            customer=customer, template=ServicePackageFactory(), service=facial, user=manager,
            tax_rate=Decimal("0"), payment=PaymentIn("cash"),
        )

    assert list(refused.value.errors) == ["tax_rate"]
    assert nothing_written()
