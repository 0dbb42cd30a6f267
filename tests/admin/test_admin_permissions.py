"""Roles in admin: managers keep the catalogue and templates; cashiers sell and bill; nobody edits the books."""
import pytest
from django.contrib.auth.models import Group, Permission

from packages.models import PackageUsage
from tests.factories import CustomerFactory, PrepaidPackageFactory

pytestmark = pytest.mark.django_db

TEMPLATE_ADMINS = ["prepaidpackage", "servicepackage", "membership", "studentoffer", "yearlymembership", "kittyparty"]


ADMIN_PAGES = [
    "/admin/",
    "/admin/customers/customer/",
    "/admin/packages/packageassignment/",
    "/admin/packages/packageassignment/assign/",
    "/admin/packages/servicepackage/",
    "/admin/billing/invoice/",
    "/admin/receipts/receipt/",
    "/admin/catalog/service/add/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_the_admin_is_the_managers_a_staff_cashier_is_sent_to_its_login(cashier_client, url):
    response = cashier_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_login_tells_a_signed_in_cashier_it_is_not_theirs(cashier_client, staff_cashier):
    html = cashier_client.get("/admin/login/").content.decode()

    assert f"You are authenticated as {staff_cashier.username}, but are not authorized" in html


def test_a_staff_cashier_given_one_managers_permission_opens_the_admin(client, staff_cashier):
    staff_cashier.user_permissions.add(Permission.objects.get(codename="pause_assignment"))
    client.force_login(staff_cashier)

    assert client.get("/admin/packages/packageassignment/").status_code == 200
    assert client.get("/admin/packages/servicepackage/").status_code == 403  # still not the templates


def test_the_top_bar_links_the_admin_for_a_manager_only(client, staff_manager, staff_cashier):
    client.force_login(staff_cashier)
    assert 'data-nav="admin"' not in client.get("/integrated-billing").content.decode()

    client.force_login(staff_manager)
    assert 'data-nav="admin"' in client.get("/integrated-billing").content.decode()


@pytest.mark.parametrize("model_name", TEMPLATE_ADMINS)
def test_a_manager_can_add_every_kind_of_template(manager_client, model_name):
    assert manager_client.get(f"/admin/packages/{model_name}/add/").status_code == 200


def test_a_sold_template_cannot_be_deleted_but_a_new_one_can(manager_client, staff_manager):
    from billing.services import PaymentIn, assignment_sell

    sold, unsold = PrepaidPackageFactory(), PrepaidPackageFactory()
    assignment_sell(customer=CustomerFactory(), template=sold, user=staff_manager, payment=PaymentIn("cash"))

    assert manager_client.get(f"/admin/packages/prepaidpackage/{sold.pk}/delete/").status_code == 403
    assert manager_client.post(f"/admin/packages/prepaidpackage/{unsold.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not type(unsold).objects.filter(pk=unsold.pk).exists()
    sold.refresh_from_db()
    assert sold.is_active  # refused, not withdrawn: the admin withdraws with its own action


def test_the_ledger_is_read_only_even_for_a_manager(manager_client, staff_manager):
    from billing.services import PaymentIn, assignment_sell

    assignment_sell(customer=CustomerFactory(), template=PrepaidPackageFactory(), user=staff_manager, payment=PaymentIn("cash"))
    row = PackageUsage.objects.get()

    assert manager_client.get("/admin/packages/packageusage/add/").status_code == 403
    assert manager_client.post(f"/admin/packages/packageusage/{row.pk}/change/", {"note": "edited"}).status_code == 403
    assert manager_client.post(f"/admin/packages/packageusage/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.note == "Package sold"


def test_balances_are_read_only_on_the_assignment_page(manager_client, staff_manager):
    from billing.services import PaymentIn, assignment_sell

    assignment = assignment_sell(
        customer=CustomerFactory(), template=PrepaidPackageFactory(), user=staff_manager, payment=PaymentIn("cash")
    ).assignment

    manager_client.post(
        f"/admin/packages/packageassignment/{assignment.pk}/change/",
        {
            "notes": "Prefers mornings",
            "credit_remaining_0": "99999", "credit_remaining_1": "INR", "status": "completed",
            **{f"{prefix}-{key}": value for prefix in ("trackers", "usages")
               for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        },
    )

    assignment.refresh_from_db()
    assert assignment.notes == "Prefers mornings"
    assert assignment.credit_remaining.amount == assignment.credit_amount.amount
    assert assignment.status == "active"


def test_the_roles_migration_gives_cashiers_selling_and_managers_the_catalogue():
    cashier = set(Group.objects.get(name="Cashier").permissions.values_list("codename", flat=True))
    manager = set(Group.objects.get(name="Manager").permissions.values_list("codename", flat=True))

    assert {"add_packageassignment", "add_invoice", "add_payment", "add_customer", "view_receipt"} <= cashier
    assert not {"add_servicepackage", "change_service", "change_invoice"} & cashier
    assert {"add_servicepackage", "delete_kittyparty", "change_service", "change_invoice"} <= manager
    assert cashier <= manager
    assert not {"delete_invoice", "delete_packageusage", "delete_receipt", "delete_payment"} & (cashier | manager)


def test_only_the_manager_group_holds_voids_reports_and_the_after_sale_permissions():
    cashier = set(Group.objects.get(name="Cashier").permissions.values_list("codename", flat=True))
    manager = set(Group.objects.get(name="Manager").permissions.values_list("codename", flat=True))
    after_sale = {
        "void_invoice", "view_reports", "pause_assignment", "refund_assignment", "transfer_assignment",
        "extend_assignment", "adjust_balance", "top_up_assignment",
    }

    assert after_sale <= manager
    assert not after_sale & cashier
    assert {"view_accessattempt", "delete_accessattempt"} <= manager


def test_a_customer_added_in_admin_is_stored_with_a_normalised_phone_and_gstin(manager_client):
    response = manager_client.post(
        "/admin/customers/customer/add/",
        {"name": "Blossom Events LLP", "phone": "098450 12345", "gstin": "29abcfe1234f1zs", "state_code": "29"},
    )

    assert response.status_code == 302
    from customers.models import Customer

    customer = Customer.objects.get()
    assert (customer.phone, customer.gstin) == ("+919845012345", "29ABCFE1234F1ZS")


def test_a_bad_phone_in_admin_is_reported_on_the_phone_field(manager_client):
    response = manager_client.post("/admin/customers/customer/add/", {"name": "X", "phone": "12"})

    assert "phone" in response.context["adminform"].form.errors


def test_a_date_of_birth_in_the_future_is_refused_in_admin(manager_client):
    from customers.models import Customer

    response = manager_client.post(
        "/admin/customers/customer/add/", {"name": "X", "phone": "9845012345", "date_of_birth": "9999-12-31"}
    )

    assert response.status_code == 200
    assert "date_of_birth" in response.context["adminform"].form.errors
    assert not Customer.objects.exists()


def test_the_customer_admin_stores_and_finds_a_phone_typed_in_another_script(manager_client):
    from customers.models import Customer

    manager_client.post("/admin/customers/customer/add/", {"name": "Asha Rao", "phone": "९८४५०१२३४५"})
    twin = manager_client.post("/admin/customers/customer/add/", {"name": "Asha R.", "phone": "98450 12345"})
    found = manager_client.get("/admin/customers/customer/", {"q": "٩٨٤٥٠ ١٢٣٤٥"})

    assert list(Customer.objects.values_list("phone", flat=True)) == ["+919845012345"]
    assert "phone" in twin.context["adminform"].form.errors
    assert list(found.context["cl"].result_list) == list(Customer.objects.all())


def test_the_admin_reports_the_gstin_and_phone_reasons_on_their_fields(manager_client):
    response = manager_client.post(
        "/admin/customers/customer/add/", {"name": "X", "phone": "98450-1234", "gstin": "29abcde1234f1zw"}
    )

    errors = response.context["adminform"].form.errors
    assert errors["phone"] == ["98450-1234 has 9 digits; a mobile number has 10."]
    assert errors["gstin"] == [
        "The PAN in this GSTIN (ABCDE1234F) is not valid: its fourth letter says who holds it "
        "(A, B, C, F, G, H, J, K, L, P, T), not D."
    ]
    from customers.models import Customer

    assert not Customer.objects.exists()


def test_the_roles_hold_the_template_permissions_of_every_kind():
    """packages 0026: whoever held a kind's model permissions holds the one codename every kind is checked by."""
    cashier = set(Group.objects.get(name="Cashier").permissions.values_list("codename", flat=True))
    manager = set(Group.objects.get(name="Manager").permissions.values_list("codename", flat=True))

    assert "view_template" in cashier and "change_template" not in cashier
    assert {"view_template", "change_template"} <= manager
