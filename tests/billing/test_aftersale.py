"""After the sale where money moves: refund, top-up, void of a package sale, renewal (services)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.exceptions import InvoiceNotVoidable
from billing.models import Invoice, NumberSequence, Payment, Refund
from billing.numbering import financial_year, financial_year_label
from billing.selectors import package_usage
from billing.services import (
    PaymentIn,
    assignment_refund,
    assignment_refund_quote,
    assignment_sell,
    assignment_top_up,
    invoice_create,
    invoice_void,
)
from billing.services.aftersale import credit_note_deadline
from core.formats import format_date
from packages.exceptions import AfterSaleRefused, InvalidAssignment
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from packages.services import AssignmentNotFound, assignment_transfer
from receipts.models import Receipt
from tests.billing.conftest import service_item
from tests.factories import (
    CustomerFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    inr,
)

pytestmark = pytest.mark.django_db
D = Decimal


def today():
    """Read when a test runs, not at import: a run that crosses midnight (IST) stays right."""
    return timezone.localdate()


def written() -> tuple:
    """Count every row an after-sale operation could write."""
    return (
        PackageUsage.objects.count(),
        Receipt.objects.count(),
        Refund.objects.count(),
        Payment.objects.count(),
        PackageAssignment.objects.count(),
        sum(NumberSequence.objects.values_list("last_value", flat=True)),
    )


@pytest.fixture
def facial_package(customer, facial, sell, cashier):
    """docs/gst.md's worked example: a 3+1 facial sold for 3 x 1,200 + 5% = 3,780, one session used."""
    package = sell(customer, ServicePackageFactory(), facial)
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)
    package.refresh_from_db()
    assert (package.remaining_sessions, package.sale_value.amount, package.price_paid.amount) == (
        3, D("3600.00"), D("3780.00"),
    )
    return package


# --- refund ---------------------------------------------------------------------------------


def test_refund_quote_of_the_3_plus_1_with_3_left_is_2700_plus_gst_2835(facial_package):
    quote = assignment_refund_quote(facial_package)

    assert quote.as_json() | {"on_date": None} == {
        "assignment_id": facial_package.pk,
        "on_date": None,
        "value_left": "2700.00",
        "gst_rate": "5.00",
        "cgst": "67.50",
        "sgst": "67.50",
        "igst": "0.00",
        "gst": "135.00",
        "round_off": "0.00",
        "refundable": "2835.00",
        "document_kind": "credit_note",
        "sale_invoice_number": Invoice.objects.get(kind="package_sale").number,
        "note": "",
        "refusal": None,
    }


def test_refund_of_a_taxed_package_issues_a_credit_note_against_the_sale_invoice(facial_package, manager):
    sale_invoice = Invoice.objects.get(kind="package_sale")

    result = assignment_refund(assignment_id=facial_package.pk, user=manager, reason="Moving abroad", method="upi")

    facial_package.refresh_from_db()
    assert result.refund_amount == D("2835.00")
    assert (facial_package.status, facial_package.remaining_sessions, facial_package.used_sessions) == ("refunded", 0, 1)
    assert facial_package.closed_on == today()
    note = result.document
    assert note.number == f"MAIN/{financial_year_label(financial_year(today()))}C00001" and note.kind == "credit_note"
    line = note.snapshot["lines"][0]
    assert (line["taxable_value"], line["cgst"], line["sgst"], line["total"]) == ("2700.00", "67.50", "67.50", "2835.00")
    assert note.snapshot["original_invoice"]["number"] == sale_invoice.number
    assert note.snapshot["amount_in_words"] == "Rupees Two Thousand Eight Hundred Thirty-Five Only"
    assert note.snapshot["packages"][0]["balance"] == f"REFUNDED on {format_date(today())}"
    refund = Refund.objects.get()
    assert (refund.amount.amount, refund.method, refund.invoice, refund.document) == (D("2835.00"), "upi", sale_invoice, note)
    assert not PackageBenefitTracker.objects.get(assignment=facial_package).is_active
    history = package_usage(assignment_id=facial_package.pk)[-1]
    assert (history["kind"], history["amount"], history["balance_after"]) == ("refund", "2835.00", 0)
    assert (history["reason"], history["by"]) == ("Moving abroad", manager.get_username())
    # The sale invoice itself is not cancelled by a refund.
    sale_invoice.refresh_from_db()
    assert sale_invoice.status == "issued"


def test_refund_of_a_smaller_amount_splits_it_into_taxable_value_and_gst(facial_package, manager):
    result = assignment_refund(
        assignment_id=facial_package.pk, user=manager, reason="Goodwill", method="cash", amount=D("2000.00")
    )

    summary = result.document.snapshot["summary"]
    assert result.refund_amount == D("2000.00")
    assert (summary["subtotal"], summary["cgst"], summary["sgst"], summary["grand_total"]) == (
        "1904.76", "47.62", "47.62", "2000.00",
    )


def test_refund_of_prepaid_credit_issues_a_refund_voucher_for_the_money_share(customer, manager, sell):
    prepaid = sell(customer, PrepaidPackageFactory())
    massage = ServiceFactory(price=inr("1000.00"), gst_rate=D("18.00"))
    invoice_create(customer=customer, items=[service_item(massage)], cashier=manager, use_credit=True)  # 1,180 of credit

    result = assignment_refund(assignment_id=prepaid.pk, user=manager, reason="Closing", method="bank_transfer")

    prepaid.refresh_from_db()
    assert result.refund_amount == D("13988.57")
    assert result.document.kind == "refund_voucher"
    assert result.document.number == f"MAIN/{financial_year_label(financial_year(today()))}V00001"
    assert result.document.snapshot["lines"][0]["cgst"] == "0.00"
    assert (prepaid.status, prepaid.credit_remaining.amount, prepaid.credit_used.amount) == ("refunded", 0, D("1180.00"))


@pytest.mark.parametrize(
    ("setup", "kwargs", "field"),
    [
        ("refunded", {}, "status"),
        ("transferred", {}, "status"),
        ("expired", {}, "status"),
        ("used_up", {}, "status"),
        (None, {"amount": D("2835.01")}, "amount"),
        (None, {"amount": D("0")}, "amount"),
        (None, {"reason": "  "}, "reason"),
        (None, {"method": "prepaid_credit"}, "method"),
    ],
)
def test_refund_refusals_write_nothing(facial_package, manager, cashier, facial, setup, kwargs, field):
    if setup == "refunded":
        assignment_refund(assignment_id=facial_package.pk, user=manager, reason="First", method="cash")
    elif setup == "transferred":
        assignment_transfer(
            assignment_id=facial_package.pk, to_customer_id=CustomerFactory().pk, user=manager, reason="Sister"
        )
    elif setup == "expired":
        PackageAssignment.objects.filter(pk=facial_package.pk).update(expires_on=today() - timedelta(days=1))
    elif setup == "used_up":
        invoice_create(customer=facial_package.customer, items=[service_item(facial, 3)], cashier=cashier)
    before = written()

    with pytest.raises(AfterSaleRefused) as refused:
        assignment_refund(
            **{"assignment_id": facial_package.pk, "user": manager, "reason": "Again", "method": "cash", **kwargs}
        )

    assert field in refused.value.errors
    assert written() == before


def test_refund_of_an_unknown_package_is_not_found(manager):
    with pytest.raises(AssignmentNotFound):
        assignment_refund(assignment_id=999999, user=manager, reason="x", method="cash")


def test_refund_of_a_membership_pays_back_the_days_left_with_gst(customer, manager, sell):
    membership = sell(customer, MembershipFactory(), expires_on=today() + timedelta(days=365))
    quote = assignment_refund_quote(membership)

    result = assignment_refund(assignment_id=membership.pk, user=manager, reason="Unhappy", method="card")

    assert quote.value_left == D("50000.00") and result.refund_amount == D("52500.00")
    assert result.document.kind == "credit_note"


# --- top-up ---------------------------------------------------------------------------------


def test_top_up_adds_credit_and_sale_value_with_a_payment_and_a_receipt_voucher(customer, manager, sell):
    kitty = sell(customer, KittyPartyFactory())

    result = assignment_top_up(
        assignment_id=kitty.pk, user=manager, credit=D("6000.00"), price_paid=D("5000.00"),
        payment=PaymentIn("upi", reference="UPI-1"),
    )

    kitty.refresh_from_db()
    assert (kitty.credit_amount.amount, kitty.credit_remaining.amount) == (D("31000.00"), D("31000.00"))
    assert (kitty.price_paid.amount, kitty.sale_value.amount) == (D("25000.00"), D("25000.00"))
    assert result.receipt.kind == "advance_receipt"
    assert result.receipt.number == f"MAIN/{financial_year_label(financial_year(today()))}R00002"  # after the sale's
    assert result.payment.amount.amount == D("5000.00") and result.payment.receipt == result.receipt
    assert PackageBenefitTracker.objects.get(assignment=kitty).balance_remaining.amount == D("31000.00")
    assert package_usage(assignment_id=kitty.pk)[-1]["kind"] == "top_up"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"credit": D("0")}, "credit"),
        ({"price_paid": D("0")}, "price_paid"),
        ({"price_paid": D("7000")}, "price_paid"),
        ({"payment": PaymentIn("cash", amount=D("4999"))}, "payment.amount"),
        ({"payment": PaymentIn("prepaid_credit")}, "payment.method"),
    ],
)
def test_top_up_refusals_write_nothing(customer, manager, sell, kwargs, field):
    prepaid = sell(customer, PrepaidPackageFactory())
    before = written()
    with pytest.raises(AfterSaleRefused) as refused:
        assignment_top_up(
            **{"assignment_id": prepaid.pk, "user": manager, "credit": D("6000"), "price_paid": D("5000"),
               "payment": PaymentIn("cash"), **kwargs}
        )
    assert field in refused.value.errors
    assert written() == before


def test_top_up_of_a_service_package_is_refused(facial_package, manager):
    with pytest.raises(AfterSaleRefused, match="only prepaid and kitty-party credit"):
        assignment_top_up(
            assignment_id=facial_package.pk, user=manager, credit=D("1"), price_paid=D("1"), payment=PaymentIn("cash")
        )


# --- void of a package sale -----------------------------------------------------------------


def test_void_of_an_unused_package_sale_cancels_it_and_refunds_the_payment(customer, manager, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    sale = Invoice.objects.get(kind="package_sale")

    given_back = invoice_void(invoice=sale, reason="Sold by mistake", user=manager)

    package.refresh_from_db()
    sale.refresh_from_db()
    assert [a.pk for a in given_back] == [package.pk]
    assert (package.status, package.remaining_sessions, package.closed_on) == ("cancelled", 0, today())
    assert sale.status == "cancelled" and sale.credit_note_number == f"MAIN/{financial_year_label(financial_year(today()))}C00001"
    refund = Refund.objects.get()
    assert (refund.amount.amount, refund.method, refund.document.number) == (D("3780.00"), "cash", sale.credit_note_number)
    assert refund.document.snapshot["packages"][0]["balance"] == f"REFUNDED on {format_date(today())}"


def test_void_of_a_used_package_sale_is_refused_and_points_to_refund(facial_package, manager):
    sale = Invoice.objects.get(kind="package_sale")
    before = written()

    with pytest.raises(InvoiceNotVoidable, match=f"refund the package instead .*{facial_package.pk}/refund"):
        invoice_void(invoice=sale, reason="Changed mind", user=manager)

    assert written() == before
    sale.refresh_from_db()
    assert sale.status == "issued"


def test_a_bill_that_used_a_package_refunded_since_cannot_be_voided(facial_package, manager):
    bill = Invoice.objects.get(kind="sale")
    assignment_refund(assignment_id=facial_package.pk, user=manager, reason="Leaving", method="cash")

    with pytest.raises(InvoiceNotVoidable, match="refunded since"):
        invoice_void(invoice=bill, reason="Oops", user=manager)


# --- renewal --------------------------------------------------------------------------------


def test_renewal_starts_the_day_after_the_old_period_ends(customer, manager, sell):
    template = MembershipFactory()
    old = sell(customer, template, expires_on=today() + timedelta(days=30))

    renewal = assignment_sell(
        customer=customer, template=template, user=manager, payment=PaymentIn("cash"), renews_assignment_id=old.pk
    )

    new = renewal.assignment
    assert new.assigned_on == today() + timedelta(days=31)
    assert new.expires_on == template.default_expiry(new.assigned_on)
    assert new.renews == old
    assert renewal.invoice.bill_date == today()


@pytest.mark.parametrize("case", ["other_customer", "unknown", "refunded"])
def test_renewal_refusals_write_nothing(customer, manager, sell, case):
    template = MembershipFactory()
    old = sell(customer, template, expires_on=today() + timedelta(days=30))
    renews_id, buyer = old.pk, customer
    if case == "other_customer":
        buyer = CustomerFactory()
    elif case == "unknown":
        renews_id = 999999
    else:
        assignment_refund(assignment_id=old.pk, user=manager, reason="x", method="cash")
    before = written()

    with pytest.raises(InvalidAssignment) as refused:
        assignment_sell(customer=buyer, template=template, user=manager, payment=PaymentIn("cash"), renews_assignment_id=renews_id)

    assert "renews_assignment_id" in refused.value.errors
    assert written() == before


def test_after_the_credit_note_deadline_the_refund_goes_on_a_voucher_without_reversing_gst(customer, manager, sell):
    membership = sell(customer, MembershipFactory(), expires_on=today() + timedelta(days=1000))
    sale_date = Invoice.objects.get(kind="package_sale").bill_date
    deadline = credit_note_deadline(sale_date)
    late = deadline + timedelta(days=1)

    quote = assignment_refund_quote(membership, late)
    result = assignment_refund(assignment_id=membership.pk, user=manager, reason="Late", method="cash", on_date=late)

    assert deadline.month == 11 and deadline.day == 30 and deadline > sale_date
    assert (quote.document_kind, quote.gst) == ("refund_voucher", 0)
    assert result.refund_amount == quote.value_left
    assert result.document.kind == "refund_voucher"
    assert "without reversing GST" in result.document.snapshot["lines"][0]["package_note"]


@pytest.mark.parametrize(
    ("sale_date", "deadline"),
    [("2026-04-01", "2027-11-30"), ("2027-03-31", "2027-11-30"), ("2026-11-30", "2027-11-30")],
)
def test_a_credit_note_may_be_issued_until_30_november_after_the_financial_year(sale_date, deadline):
    from datetime import date

    assert credit_note_deadline(date.fromisoformat(sale_date)) == date.fromisoformat(deadline)


def test_after_a_refund_the_counter_charges_the_service_and_says_why(facial_package, manager, cashier, facial):
    assignment_refund(assignment_id=facial_package.pk, user=manager, reason="Leaving", method="cash")

    bill = invoice_create(
        customer=facial_package.customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")]
    )

    line = bill.computation.lines[0]
    assert line.package_applied is None and line.total == D("1260.00")
    assert line.package_note == f'"{facial_package.package_name}" was refunded.'
