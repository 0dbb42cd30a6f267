"""Billing in a chain: packages used at any branch unless their template lists branches, GST where it happens,
each branch's receipt with its own name, address, GSTIN and number series."""
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from billing.selectors import package_usage
from billing.services import PaymentIn, assignment_sell, invoice_create, invoice_preview, invoice_void
from packages.models import TemplateBranch
from tests.billing.conftest import product_item, service_item
from tests.factories import ProductFactory, ServicePackageFactory, inr

from .conftest import works_at

pytestmark = pytest.mark.django_db


def valid_only_at(template, *branches):
    for branch in branches:
        TemplateBranch.objects.create(
            template_type=ContentType.objects.get_for_model(template), template_id=template.pk, branch=branch
        )


@pytest.fixture
def facial_package(customer, facial, cashier, indiranagar):
    """A 3+1 facial sold at Indiranagar."""
    template = ServicePackageFactory(name="3+1 Facial")
    return assignment_sell(
        customer=customer, template=template, service=facial, user=cashier, payment=PaymentIn("cash"),
        branch=indiranagar,
    ).assignment


def test_a_package_sold_at_one_branch_is_used_at_another(
    customer, facial, cashier, facial_package, koramangala
):
    result = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, branch=koramangala)

    line = result.computation.lines[0]
    assert line.package_applied is not None and line.package_applied.assignment_id == facial_package.pk
    assert result.invoice.branch == koramangala and facial_package.branch.code == "IND"
    history = package_usage(assignment_id=facial_package.pk)
    assert [(row["kind"], row["branch"]) for row in history] == [("sale", "IND"), ("redeem", "KOR")]


def test_a_template_valid_at_one_branch_says_so_at_another(customer, facial, cashier, facial_package, koramangala):
    valid_only_at(facial_package.template, facial_package.branch)

    there = invoice_preview(customer=customer, items=[service_item(facial)], branch=koramangala)
    home = invoice_preview(customer=customer, items=[service_item(facial)], branch=facial_package.branch)

    assert there.lines[0].package_applied is None
    assert there.lines[0].package_note == '"3+1 Facial – Hydrating Facial" is valid at Indiranagar only.'
    assert home.lines[0].package_applied is not None


def test_the_refusal_names_every_branch_the_template_lists(
    customer, facial, cashier, facial_package, koramangala, bandra
):
    valid_only_at(facial_package.template, facial_package.branch, koramangala)

    preview = invoice_preview(customer=customer, items=[service_item(facial)], branch=bandra)

    assert preview.lines[0].package_note.endswith("is valid at Indiranagar and Koramangala only.")


def test_the_refusal_reaches_the_api_as_the_lines_package_note(
    customer, facial, cashier, facial_package, koramangala
):
    valid_only_at(facial_package.template, facial_package.branch)
    works_at(cashier, koramangala)
    client = APIClient()
    client.force_authenticate(cashier)
    body = {"customer_id": customer.pk, "items": [{"type": "service", "id": facial.pk}]}

    response = client.post("/integrated-billing/preview", body, format="json", headers={"X-Branch": "KOR"})

    assert response.status_code == 200
    assert response.json()["lines"][0]["package_note"].endswith("is valid at Indiranagar only.")


def test_a_branch_in_another_state_charges_cgst_and_sgst_there_under_its_own_gstin(
    customer, cashier, facial, bandra, indiranagar
):
    oil = ProductFactory(name="Hair Oil", price=inr("300.00"), gst_rate=Decimal("18.00"), stock_quantity=10)

    # A service and a product sold over the counter in Mumbai (place of supply 27): intra-state there.
    local = invoice_create(
        customer=customer, items=[service_item(facial), product_item(oil)], cashier=cashier,
        payments=[PaymentIn("cash")], place_of_supply="27", branch=bandra,
    )
    # A product sent to Karnataka from the Mumbai branch is inter-state: IGST.
    shipped = invoice_create(
        customer=customer, items=[product_item(oil)], cashier=cashier, payments=[PaymentIn("cash")],
        place_of_supply="29", branch=bandra,
    )

    assert local.invoice.igst.amount == 0 and local.invoice.cgst.amount == local.invoice.sgst.amount > 0
    assert shipped.invoice.igst.amount == Decimal("54.00") and shipped.invoice.cgst.amount == 0
    seller = local.receipt.snapshot["seller"]
    assert (seller["name"], seller["gstin"], seller["state_code"]) == ("Bandra", bandra.gstin, "27")
    assert re.fullmatch(r"BND/\d\d-\d\d/\d{5}", local.invoice.number)
    assert re.fullmatch(r"BND/\d\d-\d\dR\d{5}", local.receipt.number)
    assert local.receipt.branch == bandra


def test_each_branchs_receipt_page_prints_its_own_name_address_and_gstin(
    client, cashier, customer, facial, bandra, indiranagar
):
    result = invoice_create(
        customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")], branch=bandra
    )
    client.force_login(works_at(cashier, bandra))  # a receipt is read at the branch that issued it

    page = client.get(f"/receipts/{result.receipt.pk}").content.decode()

    assert bandra.name in page and bandra.address in page and bandra.gstin in page
    assert indiranagar.gstin not in page


def test_a_void_issues_the_credit_note_at_the_invoices_branch(
    customer, cashier, manager, facial, bandra, indiranagar
):
    result = invoice_create(
        customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")], branch=bandra
    )

    invoice_void(invoice=result.invoice, reason="Wrong customer", user=manager)

    result.invoice.refresh_from_db()
    note = result.invoice.credit_note_receipt
    assert re.fullmatch(r"BND/\d\d-\d\dC\d{5}", result.invoice.credit_note_number)
    assert note.branch == bandra and note.snapshot["seller"]["gstin"] == bandra.gstin
