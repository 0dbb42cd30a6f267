"""GST Rule 46 (issue 23): a tax invoice of RULE46_THRESHOLD (₹50,000) or more, GST included, to a
customer without a GSTIN carries the customer's address and state; the invoice prints them.

Through the services every path calls (`invoice_create`, `assignment_sell`), and the documents.
"""
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from billing.exceptions import BuyerDetailsMissing
from billing.models import Invoice, Payment
from billing.services import BuyerDetails, CartItem, PaymentIn, assignment_sell, invoice_create
from customers.models import Customer
from packages.models import PackageAssignment
from receipts.models import Receipt
from receipts.pdf import render_receipt_pdf
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db

GSTIN = "29ABCFE1234F1ZS"


@pytest.fixture
def walk_in(db):
    """A customer without a GSTIN, and with no address or state on file."""
    return CustomerFactory(name="Asha Rao", address="", state_code="")


def untaxed_service(price: str):
    """A service without GST, so that the bill's total is its price to the paisa."""
    return ServiceFactory(name="Bridal package day", price=inr(price), gst_rate=Decimal("0.00"))


def bill(customer, service, cashier, **kwargs):
    return invoice_create(
        customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)], cashier=cashier,
        payments=[PaymentIn("card")], **kwargs,
    )


def nothing_written() -> bool:
    return not (Invoice.objects.exists() or Payment.objects.exists() or Receipt.objects.exists())


def test_an_invoice_of_50000_to_a_customer_without_gstin_or_address_is_refused_naming_both(walk_in, cashier):
    with pytest.raises(BuyerDetailsMissing) as refused:
        bill(walk_in, untaxed_service("50000.00"), cashier)

    assert set(refused.value.errors) == {"customer.address", "customer.state_code"}
    assert refused.value.message == (
        "Enter the customer's address and state: a tax invoice of ₹50,000 or more to a customer without a GSTIN "
        "must carry them (GST Rule 46)."
    )
    assert nothing_written()


def test_an_invoice_just_under_50000_needs_no_address(walk_in, cashier, settings):
    settings.ROUND_OFF_TO_RUPEE = False  # 49,999.99 would round to 50,000
    result = bill(walk_in, untaxed_service("49999.99"), cashier)

    assert result.invoice.grand_total.amount == Decimal("49999.99")


def test_the_threshold_counts_the_gst_in_the_invoice_value(walk_in, cashier, settings):
    settings.ROUND_OFF_TO_RUPEE = False
    service = ServiceFactory(price=inr("47619.05"), gst_rate=Decimal("5.00"))  # 47,619.05 + 2,380.96 = 50,000.01

    with pytest.raises(BuyerDetailsMissing):
        bill(walk_in, service, cashier)
    assert nothing_written()


def test_a_registered_customer_with_a_gstin_needs_no_address(cashier):
    registered = CustomerFactory(gstin=GSTIN, address="", state_code="")

    result = bill(registered, untaxed_service("75000.00"), cashier)

    assert result.invoice.grand_total.amount == Decimal("75000.00")


def test_only_the_missing_state_is_named_when_the_address_is_on_file(cashier):
    customer = CustomerFactory(address="4 Lavelle Road, Bengaluru", state_code="")

    with pytest.raises(BuyerDetailsMissing) as refused:
        bill(customer, untaxed_service("50000.00"), cashier)

    assert set(refused.value.errors) == {"customer.state_code"}
    assert refused.value.message.startswith("Enter the customer's state:")


def test_the_address_typed_with_the_bill_is_kept_on_the_customer_and_printed(walk_in, cashier, client):
    buyer = BuyerDetails(address="7 Church Street, Bengaluru 560001", state_code="29")

    result = bill(walk_in, untaxed_service("60000.00"), cashier, buyer=buyer)

    walk_in.refresh_from_db()
    assert (walk_in.address, walk_in.state_code) == ("7 Church Street, Bengaluru 560001", "29")
    customer = result.receipt.snapshot["customer"]
    assert (customer["address"], customer["state_code"]) == ("7 Church Street, Bengaluru 560001", "29")
    client.force_login(cashier)
    for paper in ("a4", "thermal"):
        page = client.get(f"/receipts/{result.receipt.pk}?format={paper}").content.decode()
        assert "7 Church Street, Bengaluru 560001" in page
        assert "29 (Karnataka)" in page


@pytest.mark.parametrize("paper", ["a4", "thermal"])
def test_the_pdf_prints_the_address_and_state(walk_in, cashier, paper):
    buyer = BuyerDetails(address="7 Church Street, Bengaluru 560001", state_code="29")
    receipt = bill(walk_in, untaxed_service("60000.00"), cashier, buyer=buyer).receipt

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(render_receipt_pdf(receipt, paper=paper))).pages)

    assert "7 Church Street" in text
    assert "Karnataka" in text


def test_the_document_keeps_the_address_it_was_issued_with(walk_in, cashier, client):
    buyer = BuyerDetails(address="7 Church Street, Bengaluru 560001", state_code="29")
    receipt = bill(walk_in, untaxed_service("60000.00"), cashier, buyer=buyer).receipt
    Customer.objects.filter(pk=walk_in.pk).update(address="New address, Mysuru")

    client.force_login(cashier)
    page = client.get(f"/receipts/{receipt.pk}").content.decode()

    assert "7 Church Street, Bengaluru 560001" in page
    assert "New address, Mysuru" not in page


def test_a_bad_state_typed_with_the_bill_is_refused_and_nothing_is_kept(walk_in, cashier):
    with pytest.raises(BuyerDetailsMissing) as refused:
        bill(walk_in, untaxed_service("60000.00"), cashier, buyer=BuyerDetails(address="7 Church Street", state_code="x9"))

    assert "customer.state_code" in refused.value.errors
    walk_in.refresh_from_db()
    assert (walk_in.address, walk_in.state_code) == ("", "")
    assert nothing_written()


def test_the_threshold_is_a_setting(walk_in, cashier, settings):
    settings.RULE46_THRESHOLD = "10000"

    with pytest.raises(BuyerDetailsMissing) as refused:
        bill(walk_in, untaxed_service("10000.00"), cashier)

    assert "₹10,000 or more" in refused.value.message


def test_a_package_sale_invoice_of_50000_needs_the_address_and_writes_nothing_without_it(walk_in, cashier):
    membership = MembershipFactory(price=inr("60000.00"))

    with pytest.raises(BuyerDetailsMissing):
        assignment_sell(customer=walk_in, template=membership, user=cashier, payment=PaymentIn("upi"))

    assert nothing_written() and not PackageAssignment.objects.exists()
    sale = assignment_sell(
        customer=walk_in, template=membership, user=cashier, payment=PaymentIn("upi"),
        buyer=BuyerDetails(address="7 Church Street, Bengaluru", state_code="29"),
    )
    assert sale.receipt.snapshot["customer"]["address"] == "7 Church Street, Bengaluru"


def test_a_prepaid_voucher_is_no_tax_invoice_and_needs_no_address(walk_in, cashier):
    voucher = PrepaidPackageFactory(actual_price=inr("60000.00"), after_value=inr("70000.00"))

    sale = assignment_sell(customer=walk_in, template=voucher, user=cashier, payment=PaymentIn("upi"))

    assert sale.invoice is None and sale.receipt is not None
