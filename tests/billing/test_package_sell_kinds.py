"""assignment_sell for every kind: the documents GST asks for, and refusals that leave nothing behind."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.exceptions import PaymentMismatch
from billing.models import Invoice, InvoiceLine, NumberSequence, Payment
from billing.services import PaymentIn, assignment_sell
from packages.exceptions import InvalidAssignment
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from receipts.models import Receipt, ReceiptKind
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
    inr,
)

pytestmark = pytest.mark.django_db


def nothing_written():
    tables = (PackageAssignment, PackageBenefitTracker, PackageUsage, Invoice, InvoiceLine, Payment, Receipt)
    return {model.__name__: model.objects.count() for model in tables if model.objects.exists()}


def test_a_membership_is_taxed_when_sold_on_a_tax_invoice(customer, cashier, facial):
    template = MembershipFactory(services_included=[facial])

    result = assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="card"))

    assert result.invoice.cgst.amount == Decimal("1250.00")
    assert result.invoice.grand_total.amount == Decimal("52500.00")
    assert result.payment.amount.amount == Decimal("52500.00")
    assert (result.assignment.price_paid.amount, result.assignment.sale_value.amount) == (
        Decimal("52500.00"), Decimal("50000.00")
    )
    assert result.receipt.kind == ReceiptKind.TAX_INVOICE
    assert result.receipt.snapshot["invoice_number"] == result.invoice.number


def test_a_yearly_membership_is_taxed_when_sold(customer, cashier):
    result = assignment_sell(
        customer=customer, template=YearlyMembershipFactory(), user=cashier, payment=PaymentIn(method="upi")
    )

    assert result.invoice.grand_total.amount == Decimal("105000.00")
    assert result.assignment.expires_on is not None


def test_a_kitty_party_is_an_advance_receipt_without_gst(customer, cashier, facial):
    template = KittyPartyFactory(services_included=[facial])

    result = assignment_sell(customer=customer, template=template, user=cashier, payment=PaymentIn(method="cash"))

    assert result.invoice is None
    assert result.receipt.kind == ReceiptKind.ADVANCE_RECEIPT
    assert result.payment.amount.amount == Decimal("20000.00")
    assert result.assignment.credit_remaining.amount == Decimal("25000.00")
    assert result.assignment.price_paid.amount == result.assignment.sale_value.amount == Decimal("20000.00")


def test_a_free_student_offer_is_assigned_without_any_payment(customer, cashier):
    result = assignment_sell(
        customer=customer, template=StudentOfferFactory(), user=cashier, payment=PaymentIn(method="cash")
    )

    assert result.assignment.status == "active"
    assert result.invoice is None
    assert result.payment is None


def test_a_service_package_is_priced_from_the_service_chosen_at_sale(customer, cashier):
    massage = ServiceFactory(name="Swedish Massage", price=inr("2500.00"))

    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=massage, user=cashier, payment=PaymentIn("cash")
    )

    # 3 x 2,500 = 7,500 + 5% GST: the customer pays 7,875; the package is worth 7,500.
    assert result.assignment.price_paid.amount == Decimal("7875.00")
    assert result.assignment.sale_value.amount == Decimal("7500.00")
    assert result.assignment.service == massage
    assert result.invoice.lines.get().hsn_sac == massage.sac_code


def test_a_discount_lowers_the_price_and_the_tax(customer, manager, facial):
    result = assignment_sell(
        customer=customer,
        template=ServicePackageFactory(),
        service=facial,
        discount=Decimal("600.00"),
        user=manager,
        payment=PaymentIn(method="cash"),
    )

    assert result.assignment.sale_value.amount == Decimal("3000.00")
    assert result.invoice.grand_total.amount == result.assignment.price_paid.amount == Decimal("3150.00")


def test_an_expiry_given_at_sale_replaces_the_template_validity(customer, cashier):
    expires_on = timezone.localdate() + timedelta(days=30)

    result = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), expires_on=expires_on, user=cashier, payment=PaymentIn("upi")
    )

    assert result.assignment.expires_on == expires_on


REFUSALS = {
    "service package without a service": (
        lambda facial: {"template": ServicePackageFactory()},
        InvalidAssignment,
        "service_id",
    ),
    "inactive service": (
        lambda facial: {"template": ServicePackageFactory(), "service": ServiceFactory(is_active=False)},
        InvalidAssignment,
        "service_id",
    ),
    "expiry in the past": (
        lambda facial: {"template": PrepaidPackageFactory(), "expires_on": timezone.localdate() - timedelta(days=1)},
        InvalidAssignment,
        "expires_on",
    ),
    "template withdrawn from sale": (
        lambda facial: {"template": MembershipFactory(is_active=False)},
        InvalidAssignment,
        "package_id",
    ),
    "membership that includes no service": (
        lambda facial: {"template": MembershipFactory(services_included=[])},
        InvalidAssignment,
        "package_id",
    ),
    "kitty party that includes no service": (
        lambda facial: {"template": KittyPartyFactory(services_included=[])},
        InvalidAssignment,
        "package_id",
    ),
    "student offer that has ended": (
        lambda facial: {
            "template": StudentOfferFactory(
                valid_from=timezone.localdate() - timedelta(days=100), valid_to=timezone.localdate() - timedelta(days=1)
            )
        },
        InvalidAssignment,
        "package_id",
    ),
    "discount above the price": (
        lambda facial: {"template": ServicePackageFactory(), "service": facial, "discount": Decimal("3600.01")},
        InvalidAssignment,
        "discount",
    ),
    "payment below the amount due": (
        lambda facial: {
            "template": ServicePackageFactory(),
            "service": facial,
            "payment": PaymentIn(method="cash", amount=Decimal("3600.00")),
        },
        PaymentMismatch,
        "amount",
    ),
    "payment above the amount due": (
        lambda facial: {"template": PrepaidPackageFactory(), "payment": PaymentIn(method="upi", amount=Decimal("15000.01"))},
        PaymentMismatch,
        "amount",
    ),
    "prepaid credit buying a package": (
        lambda facial: {"template": PrepaidPackageFactory(), "payment": PaymentIn(method="prepaid_credit")},
        PaymentMismatch,
        "method",
    ),
    "unknown payment method": (
        lambda facial: {"template": YearlyMembershipFactory(), "payment": PaymentIn(method="cheque")},
        PaymentMismatch,
        "method",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_package_sell_refuses_and_leaves_nothing_behind(case, customer, cashier, facial):
    build, error, field = REFUSALS[case]
    arguments = {"payment": PaymentIn(method="cash"), **build(facial)}

    with pytest.raises(error) as excinfo:
        assignment_sell(customer=customer, user=cashier, **arguments)

    assert field in excinfo.value.errors
    assert nothing_written() == {}


def test_a_refused_sale_gives_its_document_numbers_back(customer, cashier, facial):
    with pytest.raises(PaymentMismatch):
        assignment_sell(
            customer=customer,
            template=ServicePackageFactory(),
            service=facial,
            user=cashier,
            payment=PaymentIn(method="cash", amount=Decimal("1.00")),
        )

    result = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("cash")
    )

    assert result.invoice.number.endswith("/00001")
    assert result.receipt.number.endswith("R00001")
    assert NumberSequence.objects.get(series="INV").last_value == 1
