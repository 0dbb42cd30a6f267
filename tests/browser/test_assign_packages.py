"""A cashier sells a package on /assign-packages (server-rendered, htmx) and gets the receipt."""
import re

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from customers.models import Customer
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.browser.shots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INVALID = re.compile(r"(^|\s)is-invalid(\s|$)")
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}


def settled(page):
    """Wait until htmx has swapped and settled (it wires up new content when it settles)."""
    expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)


def pick_customer(page, query: str, name: str):
    page.fill("#customer-query", query)
    page.locator("[data-customer-results] button", has_text=name).click()
    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text(name)


def choose_facial_package(page, shop):
    page.select_option("#id_package", f"service_package:{shop['template'].pk}")
    # The service is asked for (and only for) a service package; the expiry comes from the validity.
    expect(page.locator("[data-service-row]")).to_be_visible()
    expect(page.locator("#id_expires_on")).to_have_value(re.compile(r"^\d{2}-\d{2}-\d{4}$"))
    settled(page)
    page.select_option("#id_service", str(shop["facial"].pk))
    expect(page.locator("[data-amount-to-collect]")).to_contain_text("₹3,780 = ₹3,600 + GST ₹180")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_after_a_sale_the_form_starts_over_and_the_receipt_shows_with_sell_another(shop, sign_in, size):
    page = sign_in("cashier", "/assign-packages")
    page.set_viewport_size(VIEWPORTS[size])
    first_key = page.locator("#assign-form [name=idempotency_key]").input_value()
    pick_customer(page, "98450 12345", "Asha Rao")
    choose_facial_package(page, shop)
    page.select_option("#id_method", "upi")
    page.fill("#id_reference", "UPI-4471")

    page.click("#assign-submit")

    sell_another = page.locator("[data-sell-another]")
    expect(sell_another).to_be_visible()
    expect(sell_another).to_be_in_viewport()
    expect(sell_another).to_be_focused()
    assignment = PackageAssignment.objects.get(customer=shop["customer"])
    receipt = Receipt.objects.get(customer=shop["customer"])
    assert (assignment.total_sessions, assignment.remaining_sessions) == (4, 4)
    assert Payment.objects.get(assignment=assignment).reference == "UPI-4471"
    expect(page.locator("[data-receipt-frame]")).to_have_attribute("src", f"/receipts/{receipt.pk}?format=thermal")
    # One PDF, in the receipt's own toolbar; the page adds no second one.
    expect(page.get_by_role("link", name="PDF")).to_have_count(0)
    pdf = page.frame_locator("[data-receipt-frame]").get_by_role("link", name="PDF")
    expect(pdf).to_have_count(1)
    expect(pdf).to_have_attribute("href", f"/receipts/{receipt.pk}/download?format=thermal")
    expect(page.locator("[data-receipt-message]")).to_contain_text(receipt.number)
    expect(page.frame_locator("[data-receipt-frame]").locator("body")).to_contain_text(receipt.number)
    # The form is a new one: no customer, no package, no method, a new key; pressing it sells nothing.
    expect(page.locator("#customer-query")).to_be_visible()
    expect(page.locator("#id_package")).to_have_value("")
    expect(page.locator("#id_method")).to_have_value("")
    assert page.locator("#assign-form [name=idempotency_key]").input_value() not in ("", first_key)
    save_screenshot(page, f"assign-packages-{size}.png")
    sell_another.click()
    page.wait_for_url("**/assign-packages")
    expect(page.locator("[data-receipt-placeholder]")).to_be_visible()
    page.click("#assign-submit")
    expect(page.locator("#customer_id_error")).to_have_text("Customer: choose the customer, or add a new one.")
    assert PackageAssignment.objects.count() == 1


def test_the_same_form_sent_twice_answers_the_first_sale_and_sells_nothing_more(shop, sign_in, live_server):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    choose_facial_package(page, shop)
    page.select_option("#id_method", "cash")
    with page.expect_request(lambda request: request.method == "POST" and "/assign-packages" in request.url) as sent:
        page.click("#assign-submit")
    expect(page.locator("[data-sell-another]")).to_be_visible()
    first = Receipt.objects.get()

    # The very same submission again (a retry, a second press that got through): same key, same body.
    request = sent.value
    again = page.request.post(
        f"{live_server.url}/assign-packages",
        data=request.post_data,
        headers={name: value for name, value in request.headers.items() if name.lower() in {
            "content-type", "x-csrftoken", "hx-request"}},
    )

    assert again.ok
    assert "This sale was already made" in again.text() and first.number in again.text()
    assert PackageAssignment.objects.count() == 1 and Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_a_double_click_on_a_slow_sale_sells_once(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    choose_facial_package(page, shop)
    page.select_option("#id_method", "card")
    held = []
    page.route("**/assign-packages", lambda route: held.append(route) if route.request.method == "POST" else route.continue_())

    page.dblclick("#assign-submit")
    expect(page.locator("#assign-submit")).to_be_disabled()
    page.wait_for_timeout(300)
    for route in held:
        route.continue_()

    expect(page.locator("[data-sell-another]")).to_be_visible()
    assert PackageAssignment.objects.count() == 1


def test_assign_button_on_packages_opens_the_form_with_the_template_chosen(shop, sign_in):
    page = sign_in("cashier", "/packages")
    page.click("#tab-service_package")

    page.locator(f'#pane-service_package tr[data-template-id="{shop["template"].pk}"] [data-action=assign]').click()

    page.wait_for_url("**/assign-packages?package_type=service_package*")
    expect(page.locator("#id_package")).to_have_value(f"service_package:{shop['template'].pk}")


def test_a_wrong_amount_is_refused_on_the_amount_field_once_and_clears_when_fixed(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    choose_facial_package(page, shop)
    page.select_option("#id_method", "cash")
    page.fill("#id_amount", "100")

    page.click("#assign-submit")

    amount_error = page.locator("#id_amount_error")
    expect(amount_error).to_contain_text("does not match the amount due")
    expect(page.locator("text=does not match the amount due")).to_have_count(1)
    expect(page.locator("#id_amount")).to_have_class(INVALID)
    expect(page.locator("#id_amount")).to_be_focused()
    assert not PackageAssignment.objects.exists()

    page.fill("#id_amount", "")
    page.click("#assign-submit")
    expect(page.locator("[data-sell-another]")).to_be_visible()
    expect(page.locator("#id_amount_error")).to_have_count(0)
    assert PackageAssignment.objects.count() == 1


def test_a_payment_method_must_be_chosen_there_is_no_default_cash(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    expect(page.locator("#id_method")).to_have_value("")
    pick_customer(page, "Asha", "Asha Rao")
    choose_facial_package(page, shop)

    page.click("#assign-submit")

    expect(page.locator("#id_method_error")).to_have_text("Payment method: choose how the customer pays.")
    assert not PackageAssignment.objects.exists()


def test_the_service_is_asked_for_before_a_service_package_is_sold(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    page.select_option("#id_package", f"service_package:{shop['template'].pk}")
    expect(page.locator("[data-service-row]")).to_be_visible()
    settled(page)
    page.select_option("#id_method", "cash")

    page.click("#assign-submit")

    expect(page.locator("#id_service_error")).to_have_text("Service covered: choose the service this package covers.")
    assert not PackageAssignment.objects.exists()


def test_the_expiry_input_reads_day_month_year_in_a_us_locale(shop, browser, live_server):
    context = browser.new_context(locale="en-US", viewport=VIEWPORTS["1366"])
    page = context.new_page()
    page.goto(f"{live_server.url}/login?next=/assign-packages")
    page.fill("#id_username", "cashier")
    page.fill("#id_password", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url("**/assign-packages")
    pick_customer(page, "Asha", "Asha Rao")
    choose_facial_package(page, shop)
    page.fill("#id_expires_on", "23-05-2027")
    page.select_option("#id_method", "upi")

    page.click("#assign-submit")

    expect(page.locator("[data-sell-another]")).to_be_visible()
    assert PackageAssignment.objects.get().expires_on.isoformat() == "2027-05-23"
    context.close()


def test_a_new_customer_is_added_inline_and_chosen(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")

    page.click("[data-new-customer-toggle]")
    page.fill("#id_new-customer-name", "Meera Iyer")
    page.fill("#id_new-customer-phone", "98860 11111")
    page.click("[data-new-customer-form] [type=submit]")

    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Meera Iyer")
    expect(page.locator("[data-selected-customer] [data-customer-phone]")).to_have_text("+91 98860 11111")
    assert Customer.objects.get(name="Meera Iyer").phone == "+919886011111"


def test_the_admin_sale_form_sent_twice_sells_once(shop, sign_in, live_server):
    from tests.factories import PrepaidPackageFactory

    template = PrepaidPackageFactory(name="Prepaid 15,000")
    customer = shop["customer"]
    page = sign_in("manager", "/admin/packages/packageassignment/assign/")
    page.goto(f"{live_server.url}/admin/packages/packageassignment/assign/?customer={customer.pk}&template=prepaid:{template.pk}")
    # No default method: the manager says how the customer paid.
    expect(page.locator("#id_payment_method")).to_have_value("")
    page.select_option("#id_payment_method", "upi")
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.click("input[name=_save]")
    page.wait_for_url("**/receipts/*")
    receipt = Receipt.objects.get()

    request = sent.value
    again = page.request.post(
        request.url, data=request.post_data, headers={"Content-Type": request.headers["content-type"]},
        max_redirects=0,
    )

    assert again.status == 302 and again.headers["location"] == f"/receipts/{receipt.pk}"
    assert PackageAssignment.objects.count() == 1 and Payment.objects.count() == 1
