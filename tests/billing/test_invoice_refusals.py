"""Bad input is refused with a clear message per field, and nothing is written."""
from decimal import Decimal

import pytest

from billing.exceptions import InsufficientStock, InvalidCart, PaymentMismatch, UnknownCustomer
from billing.models import Invoice, InvoiceLine, NumberSequence, Payment
from billing.services import CartItem, PaymentIn, invoice_create, invoice_preview
from catalog.models import Product
from packages.models import PackageAssignment, PackageUsage
from receipts.models import Receipt
from tests.billing.conftest import product_item, service_item
from tests.factories import CustomerFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def database_state() -> dict:
    return {
        "invoices": Invoice.objects.count(),
        "lines": InvoiceLine.objects.count(),
        "payments": Payment.objects.count(),
        "ledger": PackageUsage.objects.count(),
        "receipts": Receipt.objects.count(),
        "sequences": sorted(NumberSequence.objects.values_list("series", "last_value")),
        "balances": sorted(
            PackageAssignment.objects.values_list("pk", "remaining_sessions", "credit_remaining", "status")
        ),
        "stock": sorted(Product.objects.values_list("pk", "stock_quantity")),
    }


@pytest.fixture
def counter(customer, cashier, facial, cream, sell):
    """A customer holding a 3+1 facial package and prepaid credit, and another customer's package."""
    sell(customer, ServicePackageFactory(), facial)
    sell(customer, PrepaidPackageFactory())
    stranger = sell(CustomerFactory(), ServicePackageFactory(), facial)
    return {"customer": customer, "cashier": cashier, "facial": facial, "cream": cream, "stranger": stranger}


CASES = {
    "unknown customer": (
        lambda c: {"customer": 999_999, "items": [service_item(c["facial"])]},
        UnknownCustomer, "customer_id", "No customer with id 999999.",
    ),
    "unknown service": (
        lambda c: {"items": [service_item(c["facial"]), CartItem("service", 999, 1)]},
        InvalidCart, "items", "Item 2: unknown service 999.",
    ),
    "unknown product": (
        lambda c: {"items": [CartItem("product", 888, 1)]},
        InvalidCart, "items", "Item 1: unknown product 888.",
    ),
    "zero quantity": (
        lambda c: {"items": [service_item(c["facial"], 0)]},
        InvalidCart, "items", "Item 1: the quantity must be a whole number from 1 to 10000.",
    ),
    "negative quantity": (
        lambda c: {"items": [service_item(c["facial"], -2)]},
        InvalidCart, "items", "Item 1: the quantity must be a whole number from 1 to 10000.",
    ),
    "unknown type": (
        lambda c: {"items": [CartItem("voucher", 1, 1)]},
        InvalidCart, "items", 'Item 1: the type must be "service" or "product".',
    ),
    "no items": (lambda c: {"items": []}, InvalidCart, "items", "Add at least one service or product."),
    "someone else's package": (
        lambda c: {"items": [service_item(c["facial"], assignment_id=c["stranger"].pk)]},
        InvalidCart, "items", "Item 1: package {stranger} is not one of this customer's packages.",
    ),
    "payments short": (
        lambda c: {"items": [service_item(c["facial"], 5)], "payments": [PaymentIn("cash", Decimal("100.00"))]},
        PaymentMismatch, "payments", "The payments (₹100.00) leave ₹1,160.00 unpaid of ₹1,260.00.",
    ),
    "no payment for an amount due": (
        lambda c: {"items": [service_item(c["facial"], 5)]},
        PaymentMismatch, "payments", "The payments (₹0.00) leave ₹1,260.00 unpaid of ₹1,260.00.",
    ),
    "payments above": (
        lambda c: {"items": [service_item(c["facial"], 5)], "payments": [PaymentIn("cash", Decimal("1300.00"))]},
        PaymentMismatch, "payments", "The payments (₹1,300.00) are more than the amount payable, ₹1,260.00.",
    ),
    "eleven payments": (
        lambda c: {"items": [service_item(c["facial"], 5)], "payments": [PaymentIn("cash", Decimal("1.00"))] * 10 + [PaymentIn("upi")]},
        PaymentMismatch, "payments", "A bill takes at most 10 payments.",
    ),
    "two payments without amount": (
        lambda c: {"items": [service_item(c["facial"], 5)], "payments": [PaymentIn("cash"), PaymentIn("upi")]},
        InvalidCart, "payments", "Only one payment may leave out its amount (it takes what is left to pay).",
    ),
    "unknown payment method": (
        lambda c: {"items": [service_item(c["facial"], 5)], "payments": [PaymentIn("cheque")]},
        InvalidCart, "payments",
        'Payment 1: "cheque" is not a payment method; use cash, card, upi or bank_transfer (credit is spent with use_credit).',
    ),
    "discount above the bill": (
        lambda c: {"items": [service_item(c["facial"], 5)], "discount": Decimal("5000")},
        InvalidCart, "discount", "The discount of ₹5,000.00 is more than the bill, ₹1,200.00.",
    ),
    "negative discount": (
        lambda c: {"items": [service_item(c["facial"])], "discount": Decimal("-1")},
        InvalidCart, "discount", "The discount cannot be negative.",
    ),
    "zero guests": (
        lambda c: {"items": [service_item(c["facial"])], "guests": 0},
        InvalidCart, "guests", "Guests must be a whole number of at least 1.",
    ),
    "stock shortfall": (
        lambda c: {"items": [product_item(c["cream"], 11)]},
        InsufficientStock, "items", "Night Cream: 11 wanted, 10 in stock.",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_invoice_create_refuses_bad_input_and_writes_nothing(counter, case):
    build, error, field, message = CASES[case]
    arguments = {"customer": counter["customer"], "cashier": counter["cashier"], **build(counter)}
    before = database_state()

    with pytest.raises(error) as refused:
        invoice_create(**arguments)

    expected = message.format(stranger=counter["stranger"].pk)
    assert refused.value.errors[field] == [expected]
    assert refused.value.message == expected
    assert database_state() == before


def test_preview_refuses_the_same_bad_items_but_not_an_unfinished_payment(counter):
    with pytest.raises(InvalidCart):
        invoice_preview(customer=counter["customer"], items=[CartItem("service", 999, 1)])

    computation = invoice_preview(
        customer=counter["customer"], items=[service_item(counter["facial"], 5)], payments=[PaymentIn("cash", 10)]
    )

    assert computation.summary.amount_payable == Decimal("1260.00")


def test_every_item_problem_is_listed_at_once(counter):
    with pytest.raises(InvalidCart) as refused:
        invoice_preview(
            customer=counter["customer"], items=[CartItem("service", 999, 1), CartItem("product", 998, 1)]
        )

    assert refused.value.errors == {"items": ["Item 1: unknown service 999.", "Item 2: unknown product 998."]}
    assert refused.value.message == "Item 1: unknown service 999. (and 1 more)"
