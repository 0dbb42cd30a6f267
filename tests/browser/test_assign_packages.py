"""A cashier sells a package on /assign-packages and gets the receipt."""
import re

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from customers.models import Customer
from packages.models import PackageAssignment
from receipts.models import Receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INVALID = re.compile(r"(^|\s)is-invalid(\s|$)")


def pick_customer(page, query: str, name: str):
    page.fill("[data-customer-query]", query)
    page.locator("[data-customer-results] button", has_text=name).click()
    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text(name)


def test_cashier_sells_a_3_plus_1_package_and_sees_the_receipt(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "98450", "Asha Rao")

    page.select_option("#package_type", "service_package")
    page.select_option("#package_id", str(shop["template"].pk))
    # The service is asked for (and only for) a service package; the expiry comes from the validity.
    expect(page.locator("[data-service-row]")).to_be_visible()
    expect(page.locator("#expires_on")).not_to_have_value("")
    page.select_option("#service_id", str(shop["facial"].pk))
    expect(page.locator("[data-price]")).to_have_text("₹3,600.00")
    page.select_option("#method", "upi")
    page.fill("#reference", "UPI-4471")
    page.click("#assign-submit")

    frame = page.locator("[data-receipt-frame]")
    expect(frame).to_be_visible()
    assignment = PackageAssignment.objects.get(customer=shop["customer"])
    receipt = Receipt.objects.get(customer=shop["customer"])
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    assert assignment.service == shop["facial"]
    assert Payment.objects.get(assignment=assignment).reference == "UPI-4471"
    # The API answers paths (/receipts/67), which the page uses as they are.
    expect(frame).to_have_attribute("src", f"/receipts/{receipt.pk}?format=thermal")
    expect(page.locator("[data-pdf]")).to_have_attribute("href", f"/receipts/{receipt.pk}/download")
    expect(page.locator("[data-open-receipt]")).to_have_attribute("href", f"/receipts/{receipt.pk}")
    expect(page.locator("[data-receipt-message]")).to_contain_text(receipt.number)
    expect(page.frame_locator("[data-receipt-frame]").locator("body")).to_contain_text(receipt.number)


def test_assign_button_on_packages_opens_the_form_with_the_template_chosen(shop, sign_in):
    page = sign_in("cashier", "/packages")
    page.click("#tab-service_package")

    page.locator(f'#pane-service_package tr[data-template-id="{shop["template"].pk}"] [data-action=assign]').click()

    page.wait_for_url("**/assign-packages?package_type=service_package*")
    expect(page.locator("#package_type")).to_have_value("service_package")
    expect(page.locator("#package_id")).to_have_value(str(shop["template"].pk))


def test_a_wrong_amount_is_refused_next_to_the_amount_field_and_nothing_is_sold(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    page.select_option("#package_type", "service_package")
    page.select_option("#package_id", str(shop["template"].pk))
    page.select_option("#service_id", str(shop["facial"].pk))
    page.fill("#amount", "100")

    page.click("#assign-submit")

    amount_error = page.locator('[data-error-for="amount"]')
    expect(amount_error).to_be_visible()
    expect(amount_error).to_contain_text("does not match the amount due")
    expect(page.locator("#amount")).to_have_class(INVALID)
    assert not PackageAssignment.objects.exists()


def test_the_service_is_asked_for_before_a_service_package_is_sold(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    page.select_option("#package_type", "service_package")
    page.select_option("#package_id", str(shop["template"].pk))

    page.click("#assign-submit")

    expect(page.locator('[data-error-for="service_id"]')).to_contain_text("Choose the service")
    assert not PackageAssignment.objects.exists()


def test_a_new_customer_is_added_inline_and_chosen(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")

    page.click("[data-new-customer-toggle]")
    page.fill("#new-customer-name", "Meera Iyer")
    page.fill("#new-customer-phone", "98860 11111")
    page.click("[data-new-customer-form] [type=submit]")

    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Meera Iyer")
    assert Customer.objects.get(name="Meera Iyer").phone == "+919886011111"


def test_a_duplicate_phone_is_refused_next_to_the_phone_field(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")

    page.click("[data-new-customer-toggle]")
    page.fill("#new-customer-name", "Someone Else")
    page.fill("#new-customer-phone", "98450 12345")
    page.click("[data-new-customer-form] [type=submit]")

    expect(page.locator('[data-new-customer-form] [data-error-for="phone"]')).to_be_visible()
    assert not Customer.objects.filter(name="Someone Else").exists()
