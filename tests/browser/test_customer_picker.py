"""The customer picker, server-rendered: search with a visible spinner, pick, change, add, reuse a phone."""
import pytest
from playwright.sync_api import expect

from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}
RECORD_PICKS = """() => {
  window.picks = [];
  document.addEventListener("customer-picked", (event) => {
    const hidden = document.querySelector("[data-customer-picker] [name=customer_id]");
    window.picks.push({id: event.detail.id, hidden: hidden ? hidden.value : "missing"});
  });
}"""


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_slow_search_shows_searching_then_the_results(shop, sign_in, size):
    page = sign_in("cashier", "/assign-packages")
    page.set_viewport_size(VIEWPORTS[size])
    held = []
    page.route("**/customers/search*", lambda route: held.append(route))
    spinner = page.locator("[data-customer-searching]")
    expect(spinner).to_have_css("opacity", "0")

    page.fill("#customer-query", "98450 12345")

    expect(spinner).to_have_text("Searching…")
    expect(spinner).to_have_css("opacity", "1")
    expect(spinner).to_be_in_viewport()
    page.wait_for_timeout(1500)  # a slow lookup: the cashier still sees it is searching
    expect(spinner).to_have_css("opacity", "1")
    held[-1].continue_()
    expect(page.locator("[data-customer-results] button", has_text="Asha Rao")).to_be_visible()
    expect(spinner).to_have_css("opacity", "0")


def test_picking_announces_the_customer_after_the_hidden_input_holds_it(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    page.evaluate(RECORD_PICKS)

    page.fill("#customer-query", "rao")
    page.locator("[data-customer-results] button", has_text="Asha Rao").click()

    expect(page.locator("[data-selected-customer] [data-customer-phone]")).to_have_text("+91 98450 12345")
    customer_id = shop["customer"].pk
    page.wait_for_function("() => window.picks.length === 1")
    assert page.evaluate("() => window.picks") == [{"id": customer_id, "hidden": str(customer_id)}]
    # Focus moves on to the package, not to the page body.
    expect(page.locator("#id_package")).to_be_focused()

    page.click("[data-change-customer]")

    page.wait_for_function("() => window.picks.length === 2")
    assert page.evaluate("() => window.picks[1]") == {"id": None, "hidden": ""}
    expect(page.locator("#customer-query")).to_be_focused()


def test_search_understands_surnames_and_indian_digits(shop, sign_in):
    CustomerFactory(name="Priya Sharma", phone="+919886022222")
    page = sign_in("cashier", "/assign-packages")

    page.fill("#customer-query", "९८८६० २२२२२")
    expect(page.locator("[data-customer-results] button")).to_have_count(1)
    expect(page.locator("[data-customer-results] button")).to_contain_text("Priya Sharma")
    page.fill("#customer-query", "sharma")
    expect(page.locator("[data-customer-results] button")).to_contain_text("+91 98860 22222")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_phone_that_belongs_to_someone_offers_to_use_that_customer(shop, sign_in, size):
    CustomerFactory(name="Priya Sharma", phone="+919886022222")
    page = sign_in("cashier", "/assign-packages")
    page.set_viewport_size(VIEWPORTS[size])
    page.click("[data-new-customer-toggle]")
    page.fill("#id_new-customer-name", "Someone Else")
    page.fill("#id_new-customer-phone", "98860 22222")

    page.click("[data-new-customer-form] [type=submit]")

    error = page.locator("#id_new-customer-phone_error")
    expect(error).to_have_text("This phone belongs to Priya Sharma: use that customer?")
    expect(page.locator("text=This phone belongs to Priya Sharma")).to_have_count(1)
    use = page.locator("[data-use-existing]")
    expect(use).to_have_text("Use Priya Sharma")
    expect(use).to_be_in_viewport()
    use.click()
    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Priya Sharma")
    assert not Customer.objects.filter(name="Someone Else").exists()


def test_new_customer_errors_name_their_field_show_once_and_clear_when_fixed(shop, sign_in):
    page = sign_in("cashier", "/assign-packages")
    page.click("[data-new-customer-toggle]")
    expect(page.locator("#id_new-customer-phone")).not_to_have_attribute("placeholder", "98450 12345")

    page.click("[data-new-customer-form] [type=submit]")

    expect(page.locator("#id_new-customer-name_error")).to_have_text("Name is needed: type the customer's name.")
    expect(page.locator("#id_new-customer-phone_error")).to_have_text(
        "Phone is needed: type the customer's mobile number."
    )
    expect(page.locator("text=This field is required.")).to_have_count(0)
    page.fill("#id_new-customer-name", "Meera Iyer")
    page.fill("#id_new-customer-phone", "12")
    page.click("[data-new-customer-form] [type=submit]")
    expect(page.locator("#id_new-customer-name_error")).to_have_count(0)
    expect(page.locator("#id_new-customer-phone_error")).to_have_text("Phone must be a mobile number like 98450 12345.")
    page.fill("#id_new-customer-phone", "98860 11111")
    page.click("[data-new-customer-form] [type=submit]")
    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Meera Iyer")
