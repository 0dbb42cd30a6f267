"""Managers void invoices and pause or resume packages from the admin, through the services."""
import re

import pytest

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from packages.models import PackageAssignment
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed_session(staff_manager, facial):
    """A 3+1 facial package with one session billed: 3/4 left."""
    customer = CustomerFactory()
    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=staff_manager, payment=PaymentIn("cash")
    )
    result = invoice_create(
        customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager
    )
    return result.invoice, sale.assignment


def void_url(invoice):
    return f"/admin/billing/invoice/{invoice.pk}/void/"


def test_a_manager_voids_an_invoice_in_admin_and_the_session_comes_back(manager_client, billed_session):
    invoice, assignment = billed_session
    assignment.refresh_from_db()
    assert assignment.remaining_sessions == 3

    page = manager_client.get(f"/admin/billing/invoice/{invoice.pk}/change/")
    form = manager_client.get(void_url(invoice))
    response = manager_client.post(void_url(invoice), {"reason": "Customer left before the facial"})

    assert "Void this invoice" in page.content.decode()
    assert "grand total ₹0.00)" in form.content.decode()  # the facial was the package's session
    assert response.status_code == 302
    invoice.refresh_from_db()
    assignment.refresh_from_db()
    assert invoice.status == "cancelled"
    assert invoice.cancel_reason == "Customer left before the facial"
    assert re.fullmatch(r"MAIN/\d\d-\d\dC\d{5}", invoice.credit_note_number)
    assert assignment.remaining_sessions == 4


def test_a_void_without_a_reason_is_refused_and_changes_nothing(manager_client, billed_session):
    invoice, assignment = billed_session

    response = manager_client.post(void_url(invoice), {"reason": "  "})

    assert response.status_code == 200
    assert "Say why the invoice is voided." in response.content.decode()
    invoice.refresh_from_db()
    assignment.refresh_from_db()
    assert invoice.status == "issued"
    assert assignment.remaining_sessions == 3


def test_a_cashier_cannot_void_an_invoice_in_admin(senior_cashier_client, billed_session):
    cashier_client = senior_cashier_client  # in the admin through her one manager's permission (pausing)
    invoice, assignment = billed_session

    response = cashier_client.post(void_url(invoice), {"reason": "Trying"})

    assert response.status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).status == "issued"


def test_the_pause_and_resume_actions_go_through_the_services(manager_client, billed_session):
    _, assignment = billed_session
    changelist = "/admin/packages/packageassignment/"

    manager_client.post(changelist, {"action": "pause_packages", "_selected_action": [assignment.pk]})
    paused = PackageAssignment.objects.get(pk=assignment.pk)
    manager_client.post(changelist, {"action": "resume_packages", "_selected_action": [assignment.pk]})
    resumed = PackageAssignment.objects.get(pk=assignment.pk)

    assert (paused.status, paused.paused_on is not None) == ("paused", True)
    assert (resumed.status, resumed.paused_on) == ("active", None)


def test_a_cashier_has_no_pause_action(cashier_client, billed_session):
    _, assignment = billed_session

    cashier_client.post(
        "/admin/packages/packageassignment/", {"action": "pause_packages", "_selected_action": [assignment.pk]}
    )

    assert PackageAssignment.objects.get(pk=assignment.pk).status == "active"


def test_the_void_page_says_how_much_money_goes_back_and_how_before_it_is_confirmed(manager_client, staff_manager, facial):
    """Issue 25 item 11: money going out is said before it goes."""
    invoice = invoice_create(
        customer=CustomerFactory(), items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn("card", reference="AUTH-1")],
    ).invoice

    page = manager_client.get(void_url(invoice)).content.decode()

    assert "Money goes back: Return ₹1,260.00 to the customer by card." in page
    assert Invoice.objects.get(pk=invoice.pk).status == "issued"
