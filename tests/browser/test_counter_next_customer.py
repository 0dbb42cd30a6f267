"""After an invoice the counter asks for the next customer; the keyboard finds and picks customers
(issue 25, items 4 and 7)."""
import re
import time

import pytest
from playwright.sync_api import expect

from billing.models import Invoice
from tests.browser.counter import (
    VIEWPORTS,
    add_service,
    close_receipt,
    generate,
    open_counter,
    pay,
    sale_invoices,
    settled,
)
from tests.browser.shots import save_screenshot
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_after_an_invoice_the_customer_is_cleared_and_the_search_asks_for_the_next_one(shop, sign_in, viewport):
    CustomerFactory(name="Meera Iyer", phone="+919886011111")
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["massage"])
    pay(page, "cash")
    generate(page)

    expect(page.locator("[data-next-customer]")).to_contain_text("issued to Asha Rao. Next customer:")
    first = sale_invoices().get()
    expect(page.locator("[data-next-customer]")).to_have_text(f"Invoice {first.number} issued to Asha Rao. Next customer:")
    expect(page.locator("#counter")).to_have_attribute("data-customer", "")
    expect(page.locator("[data-selected-customer]")).to_have_count(0)
    close_receipt(page)
    search = page.get_by_label("Next customer")
    expect(search).to_be_focused()
    expect(search).to_be_in_viewport()
    save_screenshot(page, f"integrated-billing-next-customer-{1366 if viewport == 'desktop' else 800}.png")

    # A walk-in's service added before anyone is picked bills no one (least of all Asha).
    add_service(page, shop["facial"])
    expect(page.locator("#generate-reason")).to_have_text("Choose a customer to start a bill.")
    expect(page.locator("#generate-invoice")).to_be_disabled()

    search.fill("Meera")
    page.locator("[data-customer-results] button", has_text="Meera Iyer").click()
    expect(page.locator("#counter")).to_have_attribute("data-customer", re.compile(r"^\d+$"))
    settled(page, "#add-service")
    pay(page, "upi")
    generate(page)
    expect(page.locator("#receipt-modal")).to_be_visible()
    second = Invoice.objects.exclude(pk=first.pk).get()
    assert second.customer.name == "Meera Iyer"
    assert [line.service_id for line in second.lines.all()] == [shop["facial"].pk]
    assert sale_invoices().filter(customer=shop["customer"]).count() == 1


@pytest.mark.parametrize("path", ["/integrated-billing", "/assign-packages"])
def test_the_customer_search_is_focused_on_load(shop, sign_in, path):
    page = sign_in("cashier", path)

    expect(page.locator("#customer-query")).to_be_focused()


def slow_searches(page, seconds: float = 1.5):
    """Hold every customer search for `seconds` before it reaches the server."""

    def hold(route):
        time.sleep(seconds)
        route.continue_()

    page.route("**/customers/search*", hold)


@pytest.mark.parametrize("path", ["/integrated-billing", "/assign-packages"])
def test_enter_pressed_while_the_search_is_answering_picks_the_first_result(shop, sign_in, path):
    CustomerFactory(name="Meera Iyer", phone="+919886011111")
    page = sign_in("cashier", path)
    slow_searches(page)
    expect(page.locator("#customer-query")).to_be_focused()

    page.keyboard.type("Asha")
    page.keyboard.press("Enter")  # before the results for "Asha" have come

    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Asha Rao", timeout=8000)
    if path == "/integrated-billing":
        expect(page.locator("#counter")).to_have_attribute("data-customer", str(shop["customer"].pk))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_arrow_keys_move_a_highlight_through_the_results_and_enter_picks_it(shop, sign_in, viewport):
    CustomerFactory(name="Asha Menon", phone="+919886022222")
    page = sign_in("cashier", "/integrated-billing")
    page.set_viewport_size(VIEWPORTS[viewport])
    search = page.locator("#customer-query")
    expect(search).to_be_focused()
    page.keyboard.type("Asha")
    results = page.locator("[data-customer-results] button")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Asha Menon")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # stays on the last
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")

    expect(search).to_be_focused()  # the search keeps the keyboard; the highlight is named to assistive tech
    second = results.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(results.first).to_have_attribute("aria-selected", "false")
    expect(search).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    save_screenshot(page, f"counter-picker-keyboard-{1366 if viewport == 'desktop' else 800}.png")
    page.keyboard.press("Enter")

    expect(page.locator("[data-selected-customer] [data-customer-name]")).to_have_text("Asha Rao")
    expect(page.locator("#counter")).to_have_attribute("data-customer", str(shop["customer"].pk))
