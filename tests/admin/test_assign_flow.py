"""The admin "Assign & collect payment" page sells through assignment_sell and opens the receipt."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from billing.models import Invoice, Payment
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from receipts.models import Receipt
from tests.admin.sale_form import ASSIGN, sale_form
from tests.factories import CustomerFactory, MembershipFactory, PrepaidPackageFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


def nothing_sold():
    return not (
        PackageAssignment.objects.exists() or Payment.objects.exists() or Receipt.objects.exists() or Invoice.objects.exists()
    )


def test_a_manager_sells_a_3_plus_1_package_and_lands_on_its_receipt(manager_client, staff_manager, customer, facial):
    template = ServicePackageFactory(name="3+1 Facial Package")

    response = manager_client.post(
        ASSIGN, sale_form(customer, template, service=facial.pk, payment_method="upi", payment_reference="UPI-42")
    )

    assignment = PackageAssignment.objects.get()
    receipt = Receipt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/receipts/{receipt.pk}"
    assert (assignment.customer, assignment.service, assignment.created_by) == (customer, facial, staff_manager)
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    payment = Payment.objects.get()
    assert (payment.method, payment.reference, payment.amount.amount) == ("upi", "UPI-42", Decimal("3780.00"))
    assert PackageBenefitTracker.objects.filter(assignment=assignment).count() == 1
    assert PackageUsage.objects.filter(assignment=assignment).count() == 1
    receipt_page = manager_client.get(response["Location"])
    assert receipt_page.status_code == 200
    assert "3+1 Facial Package" in receipt_page.content.decode()


def test_the_sale_page_takes_price_discount_expiry_and_notes(manager_client, customer):
    template = PrepaidPackageFactory()
    expires_on = timezone.localdate() + timedelta(days=90)

    manager_client.post(
        ASSIGN,
        sale_form(
            customer, template, price_paid="14000.00", expires_on=expires_on.isoformat(), notes="Diwali offer",
            payment_amount="14000.00", payment_method="card",
        ),
    )

    assignment = PackageAssignment.objects.get()
    assert assignment.price_paid.amount == assignment.sale_value.amount == Decimal("14000.00")
    assert assignment.expires_on == expires_on
    assert assignment.notes == "Diwali offer"
    assert Payment.objects.get().amount.amount == Decimal("14000.00")


def test_a_service_package_without_a_service_is_refused_on_the_service_field(manager_client, customer):
    response = manager_client.post(ASSIGN, sale_form(customer, ServicePackageFactory()))

    assert response.status_code == 200
    assert "service" in response.context["adminform"].form.errors
    assert nothing_sold()


def test_a_payment_that_does_not_match_is_refused_with_a_message_and_nothing_is_sold(manager_client, customer):
    response = manager_client.post(ASSIGN, sale_form(customer, MembershipFactory(), payment_amount="50000.00"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "52,500" in str(form.errors["payment_amount"]) or "52500" in str(form.errors["payment_amount"])
    assert any(message.level_tag == "error" for message in get_messages(response.wsgi_request))
    assert nothing_sold()


def test_an_expiry_in_the_past_is_refused_on_the_expiry_field(manager_client, customer):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = manager_client.post(ASSIGN, sale_form(customer, PrepaidPackageFactory(), expires_on=yesterday.isoformat()))

    assert "expires_on" in response.context["adminform"].form.errors
    assert nothing_sold()


def test_an_unknown_or_withdrawn_template_cannot_be_chosen(manager_client, customer):
    withdrawn = PrepaidPackageFactory(is_active=False)

    unknown = manager_client.post(ASSIGN, {**sale_form(customer, withdrawn), "template": "prepaid:999999"})
    inactive = manager_client.post(ASSIGN, sale_form(customer, withdrawn))

    assert "template" in unknown.context["adminform"].form.errors
    assert "template" in inactive.context["adminform"].form.errors
    assert nothing_sold()


def test_the_page_opens_with_the_template_and_customer_from_the_link(manager_client, customer):
    template = PrepaidPackageFactory(name="Prepaid 15,000")

    response = manager_client.get(f"{ASSIGN}?template=prepaid:{template.pk}&customer={customer.pk}")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["template"].value() == f"prepaid:{template.pk}"
    assert str(form["customer"].value()) == str(customer.pk)
    assert "Prepaid 15,000 (pay ₹15,000, get ₹17,500 credit)" in response.content.decode()


def test_the_plain_add_page_leads_to_the_sale_page(manager_client):
    response = manager_client.get("/admin/packages/packageassignment/add/?customer=5")

    assert response.status_code == 302
    assert response["Location"] == f"{ASSIGN}?customer=5"


def test_the_add_form_cannot_create_an_assignment_behind_the_services_back(manager_client, customer):
    template = PrepaidPackageFactory()

    manager_client.post("/admin/packages/packageassignment/add/", {"customer": customer.pk, "template_id": template.pk})

    assert not PackageAssignment.objects.exists()


def test_the_assign_action_of_a_template_admin_opens_the_sale_page(manager_client):
    template = MembershipFactory()

    response = manager_client.post(
        "/admin/packages/membership/",
        {"action": "assign_to_customer", "_selected_action": [template.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{ASSIGN}?template=membership:{template.pk}"


def test_a_template_change_page_has_an_assign_button(manager_client):
    template = ServicePackageFactory()

    html = manager_client.get(f"/admin/packages/servicepackage/{template.pk}/change/").content.decode()

    assert f"{ASSIGN}?template=service_package:{template.pk}" in html


def test_a_senior_cashier_who_opens_the_admin_may_sell_there_too(senior_cashier_client, senior_cashier):
    customer = CustomerFactory()

    response = senior_cashier_client.post(ASSIGN, sale_form(customer, PrepaidPackageFactory(), payment_method="upi"))

    assert response.status_code == 302
    assert PackageAssignment.objects.get().created_by == senior_cashier


def test_staff_without_a_role_cannot_open_the_sale_page(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pass-1234", is_staff=True)
    client.force_login(clerk)

    assert client.get(ASSIGN)["Location"].startswith("/admin/login/")


def test_the_sale_page_refuses_an_expiry_more_than_50_years_ahead(manager_client, customer):
    response = manager_client.post(
        ASSIGN, sale_form(customer, PrepaidPackageFactory(), expires_on="9999-12-31", payment_amount="15000.00")
    )

    assert response.status_code == 200
    assert "50 years" in str(response.context["adminform"].form.errors["expires_on"])
    assert nothing_sold()


def test_notes_of_a_package_stored_with_a_far_expiry_can_still_be_edited(manager_client, staff_manager, customer):
    from billing.services import PaymentIn, assignment_sell

    assignment = assignment_sell(
        customer=customer, template=PrepaidPackageFactory(), user=staff_manager, payment=PaymentIn("cash")
    ).assignment
    PackageAssignment.objects.filter(pk=assignment.pk).update(expires_on="9999-12-31")

    response = manager_client.post(
        f"/admin/packages/packageassignment/{assignment.pk}/change/",
        {
            "notes": "Legacy expiry checked",
            **{f"{prefix}-{key}": "0" for prefix in ("trackers", "usages") for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.notes == "Legacy expiry checked"


def test_a_price_entered_on_the_sale_page_is_what_the_customer_pays_gst_included(manager_client, customer, facial):
    manager_client.post(
        ASSIGN, sale_form(customer, ServicePackageFactory(), service=facial.pk, price_paid="3150.00", payment_amount="3150.00")
    )

    assignment = PackageAssignment.objects.get()
    assert (assignment.price_paid.amount, assignment.sale_value.amount) == (Decimal("3150.00"), Decimal("3000.00"))
    assert Invoice.objects.get().grand_total.amount == Payment.objects.get().amount.amount == Decimal("3150.00")


@pytest.mark.parametrize(
    "price", [{"price_paid": "1.00"}, {"discount": "14999.00"}], ids=["price-paid", "discount"]
)
def test_a_cashier_cannot_set_the_price_on_the_admin_sale_form(senior_cashier_client, customer, price):
    response = senior_cashier_client.post(ASSIGN, sale_form(customer, PrepaidPackageFactory(), **price))

    assert response.status_code == 200
    field, = price
    errors = response.context["adminform"].form.errors[field]
    assert "Only a manager may sell this package at another price" in errors[0]
    assert any(message.level_tag == "error" for message in get_messages(response.wsgi_request))
    assert nothing_sold()


def test_a_manager_sets_the_price_on_the_admin_sale_form_and_the_receipt_says_so(
    manager_client, customer, facial
):
    response = manager_client.post(
        ASSIGN, sale_form(customer, ServicePackageFactory(), service=facial.pk, price_paid="3150.00")
    )

    said = "Price set to ₹3,150.00 by admin-manager (list ₹3,600.00 + GST)"
    assert PackageAssignment.objects.get().price_note == said
    assert said in manager_client.get(response["Location"]).content.decode()
