"""Every worked example of docs/gst.md, to the paisa, through invoice_preview and invoice_create."""
from decimal import Decimal

import pytest

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, invoice_create, invoice_preview
from packages.services import assignment_create
from tests.billing.conftest import product_item, service_item
from tests.factories import ProductFactory, ServiceFactory, YearlyMembershipFactory, inr

pytestmark = pytest.mark.django_db
D = Decimal


def money(computation, *fields):
    summary = computation.as_json()["summary"]
    return tuple(summary[field] for field in fields)


def test_exclusive_prices_with_a_bill_discount_split_by_value(customer, cashier):
    service = ServiceFactory(price=inr("1200.00"), gst_rate=D("18.00"))
    product = ProductFactory(price=inr("500.00"), gst_rate=D("18.00"))
    items = [service_item(service), product_item(product)]

    preview = invoice_preview(customer=customer, items=items, discount=D("100.00"))
    result = invoice_create(
        customer=customer, items=items, discount=D("100.00"), cashier=cashier, payments=[PaymentIn("cash")]
    )

    assert money(preview, "cgst", "sgst", "grand_total") == ("144.00", "144.00", "1888.00")
    lines = preview.as_json()["lines"]
    assert [line["discount"] for line in lines] == ["70.59", "29.41"]
    assert [line["taxable_value"] for line in lines] == ["1129.41", "470.59"]
    assert result.computation.as_json() == preview.as_json()
    invoice = Invoice.objects.get(pk=result.invoice.pk)
    assert (invoice.cgst.amount, invoice.sgst.amount, invoice.grand_total.amount) == (D("144.00"), D("144.00"), D("1888.00"))
    assert invoice.payments.get().amount.amount == D("1888.00")


def test_inclusive_price_of_65_at_18_percent(customer, settings):
    settings.PRICES_INCLUDE_TAX = True
    service = ServiceFactory(price=inr("65.00"), gst_rate=D("18.00"))

    line = invoice_preview(customer=customer, items=[service_item(service)]).as_json()["lines"][0]

    assert (line["taxable_value"], line["cgst"], line["sgst"], line["total"]) == ("55.08", "4.96", "4.96", "65.00")


def test_inclusive_residual_paisa_goes_into_the_round_off(customer, settings):
    settings.PRICES_INCLUDE_TAX = True
    service = ServiceFactory(price=inr("100.00"), gst_rate=D("18.00"))

    computation = invoice_preview(customer=customer, items=[service_item(service)])

    line = computation.as_json()["lines"][0]
    assert (line["taxable_value"], line["cgst"], line["sgst"], line["total"]) == ("84.75", "7.63", "7.63", "100.01")
    assert money(computation, "round_off", "grand_total") == ("-0.01", "100.00")


def test_mixed_rates_are_taxed_per_line_not_on_the_total(customer, cashier):
    haircut = ServiceFactory(name="Haircut", price=inr("499.00"), gst_rate=D("5.00"))
    facial = ServiceFactory(name="Facial", price=inr("1249.00"), gst_rate=D("5.00"))
    shampoo = ProductFactory(price=inr("349.00"), gst_rate=D("5.00"))
    cream = ProductFactory(price=inr("599.00"), gst_rate=D("18.00"))
    offer = assignment_create(customer=customer, template=YearlyMembershipFactory(discount_percent=D("10.00")))
    items = [
        service_item(haircut, assignment_id=0),  # the 10% offer is for the facial only
        service_item(facial),
        product_item(shampoo),
        product_item(cream),
    ]

    computation = invoice_preview(customer=customer, items=items)
    result = invoice_create(customer=customer, items=items, cashier=cashier, payments=[PaymentIn("upi")])

    lines = computation.as_json()["lines"]
    assert [line["cgst"] for line in lines] == ["12.48", "28.10", "8.73", "53.91"]
    assert lines[1]["discount"] == "124.90"
    assert lines[1]["package_applied"]["assignment_id"] == offer.pk
    assert money(computation, "cgst", "sgst", "round_off", "grand_total") == ("103.22", "103.22", "0.46", "2778.00")
    assert result.invoice.grand_total.amount == D("2778.00")
    assert result.invoice.round_off.amount == D("0.46")


def test_round_off_can_be_switched_off(customer, settings):
    settings.ROUND_OFF_TO_RUPEE = False
    service = ServiceFactory(price=inr("499.00"), gst_rate=D("5.00"))

    computation = invoice_preview(customer=customer, items=[service_item(service)])

    assert money(computation, "round_off", "grand_total") == ("0.00", "523.96")


def test_goods_shipped_to_another_state_pay_igst_while_services_keep_cgst_and_sgst(customer, settings):
    settings.SPA_STATE_CODE = "29"
    service = ServiceFactory(price=inr("1000.00"), gst_rate=D("5.00"))
    cream = ProductFactory(price=inr("599.00"), gst_rate=D("18.00"))
    items = [service_item(service), product_item(cream)]

    shipped = invoice_preview(customer=customer, items=items, place_of_supply="27").as_json()["lines"]
    same_state = invoice_preview(customer=customer, items=items, place_of_supply="29").as_json()["lines"]

    assert (shipped[0]["cgst"], shipped[0]["igst"]) == ("25.00", "0.00")
    assert (shipped[1]["cgst"], shipped[1]["sgst"], shipped[1]["igst"]) == ("0.00", "0.00", "107.82")
    assert (same_state[1]["cgst"], same_state[1]["igst"]) == ("53.91", "0.00")


def test_summary_adds_up_to_the_grand_total(customer):
    service = ServiceFactory(price=inr("1234.56"), gst_rate=D("18.00"))
    product = ProductFactory(price=inr("77.77"), gst_rate=D("12.00"))

    summary = invoice_preview(
        customer=customer, items=[CartItem("service", service.pk, 3), product_item(product, 2)], discount=D("99.99")
    ).summary

    assert summary.subtotal == summary.services_subtotal + summary.products_subtotal == D("3859.22")
    assert summary.grand_total == (
        summary.subtotal - summary.discount + summary.cgst + summary.sgst + summary.igst + summary.round_off
    )
    assert summary.grand_total == summary.grand_total.to_integral_value()
