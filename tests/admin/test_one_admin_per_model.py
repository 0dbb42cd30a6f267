"""One admin class per model, in the model's own app, and its permission checks are the ones that run.

The checks read permissions, never group names: each test gives a staff user single
permissions (no group) and sees the admin follow them.
"""
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from packages.admin import PackageAssignmentAdmin
from packages.models import PackageAssignment
from tests.factories import CustomerFactory, PrepaidPackageFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"api_tokens", "catalog", "customers", "packages", "receipts", "billing", "notifications"}
ASSIGN = "/admin/packages/packageassignment/assign/"
ADD = "/admin/packages/packageassignment/add/"
CHANGELIST = "/admin/packages/packageassignment/"
# The admin opens to staff holding a manager's permission (core.permissions.ADMIN_ACTIONS):
# this one opens it without touching packages or invoices.
DOOR = "billing.view_reports"


def staff_with(*permissions: str):
    """Return a staff user holding exactly `permissions` ("app_label.codename"), in no group."""
    user = UserFactory(is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def test_each_model_of_ours_is_registered_once_with_the_admin_of_its_own_app():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OUR_APPS:
            assert type(model_admin).__module__ == f"{model._meta.app_label}.admin", model


def test_the_assignment_admin_that_runs_is_the_packages_one_with_the_sale_plugged_in():
    model_admin = admin.site.get_model_admin(PackageAssignment)

    assert type(model_admin) is PackageAssignmentAdmin
    assert model_admin.sale_view is not None and model_admin.documents_of is not None


def test_the_registered_admins_add_check_follows_the_add_permission():
    model_admin = admin.site.get_model_admin(PackageAssignment)
    request = RequestFactory().get(ADD)

    request.user = staff_with("packages.view_packageassignment")
    assert model_admin.has_add_permission(request) is False
    request.user = staff_with("packages.view_packageassignment", "packages.add_packageassignment")
    assert model_admin.has_add_permission(request) is True


def test_selling_in_admin_needs_the_add_permission_not_a_group(client):
    outsider = staff_with("packages.view_packageassignment", "packages.add_packageassignment")
    reader = staff_with(DOOR, "packages.view_packageassignment")
    seller = staff_with(DOOR, "packages.view_packageassignment", "packages.add_packageassignment")

    assert signed_in(client, outsider).get(ASSIGN)["Location"].startswith("/admin/login/")
    assert signed_in(client, reader).get(ASSIGN).status_code == 403
    assert client.get(ADD).status_code == 403
    assert signed_in(client, seller).get(ASSIGN).status_code == 200
    assert client.get(ADD)["Location"] == ASSIGN


def test_pausing_in_admin_needs_the_pause_permission_not_the_change_permission():
    model_admin = admin.site.get_model_admin(PackageAssignment)
    request = RequestFactory().get(CHANGELIST)

    request.user = staff_with("packages.view_packageassignment", "packages.change_packageassignment")
    editor_actions = model_admin.get_actions(request)
    request.user = staff_with("packages.view_packageassignment", "packages.pause_assignment")
    pauser_actions = model_admin.get_actions(request)

    assert "pause_packages" not in editor_actions
    assert {"pause_packages", "resume_packages"} <= set(pauser_actions)


def test_voiding_in_admin_needs_the_void_permission_not_the_change_permission(client, staff_manager, facial):
    customer = CustomerFactory()
    assignment_sell(customer=customer, template=PrepaidPackageFactory(), user=staff_manager, payment=PaymentIn("cash"))
    invoice = invoice_create(
        customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=staff_manager,
        payments=[PaymentIn(method="cash")],
    ).invoice
    editor = staff_with(DOOR, "billing.view_invoice", "billing.change_invoice")
    voider = staff_with("billing.view_invoice", "billing.void_invoice")
    url = f"/admin/billing/invoice/{invoice.pk}/void/"

    assert signed_in(client, editor).get(url).status_code == 403
    assert signed_in(client, voider).get(url).status_code == 200
    assert Invoice.objects.get(pk=invoice.pk).status == "issued"
