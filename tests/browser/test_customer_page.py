"""The customer's own page on a phone (360x740) and a tablet (800x1280): balances, then a code for the rest."""

import re

import pytest
from playwright.sync_api import expect

from billing.services import PaymentIn, assignment_sell
from customers.links import page_token
from tests.browser.counter import open_counter
from tests.browser.shots import save_screenshot
from tests.factories import PrepaidPackageFactory
from tests.notifications import conftest as reminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {"360": {"width": 360, "height": 740}, "800": {"width": 800, "height": 1280}}

# The reminders' local SMS gateway and their worker run.
gateway = reminders.gateway
run_worker = reminders.run_worker


@pytest.fixture
def asha(shop):
    customer = shop["customer"]
    assignment_sell(
        customer=customer,
        template=shop["template"],
        service=shop["facial"],
        user=shop["cashier"],
        payment=PaymentIn("upi", reference="UPI-7"),
    )
    assignment_sell(
        customer=customer,
        template=PrepaidPackageFactory(name="Prepaid 15,000"),
        user=shop["cashier"],
        payment=PaymentIn("cash"),
    )
    return customer


def fits(page) -> bool:
    """Nothing runs off the right edge."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_page_shows_each_balance_with_its_bar_expiry_and_status(page, live_server, asha, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(f"{live_server.url}/my/{page_token(asha)}")
    expect(page.locator("h1")).to_have_text("Hello, Asha Rao")
    cards = page.locator("[data-package]")
    expect(cards).to_have_count(2)
    expect(page.locator("[data-balance]").first).to_contain_text(
        re.compile(r"4/4 sessions|₹17,500.00 of ₹17,500.00 left")
    )
    expect(page.locator("progress.portal-bar")).to_have_count(2)
    expect(page.locator("[data-expiry]").first).to_contain_text("Valid till")
    expect(page.locator('[data-status="active"]')).to_have_count(2)
    expect(page.get_by_test_id("privacy-link")).to_be_visible()
    assert fits(page)
    save_screenshot(page, f"customer-page-{size}.png", full_page=True)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_code_by_sms_opens_the_history_and_a_wrong_one_says_so(page, live_server, asha, gateway, run_worker, size):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(f"{live_server.url}/my/{page_token(asha)}")
    page.get_by_test_id("history-link").click()
    expect(page.locator("h1")).to_have_text("A code to see more")
    expect(page.locator("main")).to_contain_text("ending 45")
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    run_worker()
    code = re.match(r"(\d{6}) is your", gateway.requests[-1]["body"]["text"])[1]
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.get_by_test_id("check-code").click()
    expect(page.get_by_test_id("code-alert")).to_contain_text("That code is not right")
    assert fits(page)
    save_screenshot(page, f"customer-code-{size}.png", full_page=True)
    page.fill("#id_code", code)
    page.get_by_test_id("check-code").click()
    expect(page.locator("h1")).to_have_text("History of use")
    expect(page.locator("[data-history]")).to_have_count(2)
    page.get_by_role("link", name="← Your packages").click()
    page.get_by_test_id("documents-link").click()  # signed in: straight to the list
    expect(page.locator("h1")).to_have_text("Invoices and receipts")
    expect(page.locator("[data-document]")).to_have_count(2)
    assert fits(page)
    save_screenshot(page, f"customer-documents-{size}.png", full_page=True)


def test_a_wrong_link_asks_for_the_phone_and_answers_the_same_whoever_it_is(page, live_server, asha):
    page.set_viewport_size(VIEWPORTS["360"])
    page.goto(f"{live_server.url}/my/not-a-real-link")
    expect(page.get_by_test_id("link-wrong")).to_be_visible()
    page.fill("#id_phone", "90000 00000")
    page.get_by_test_id("send-new-link").click()
    expect(page.get_by_test_id("link-sent")).to_have_text(
        "If this number is ours, a new link is on its way to it by SMS."
    )
    assert fits(page)
    save_screenshot(page, "customer-wrong-link-360.png", full_page=True)


def test_the_counter_sends_the_link_to_the_customer_just_picked(asha, sign_in, gateway, run_worker):
    page = open_counter(sign_in)  # picked by search: the packages card comes back with the button
    page.get_by_test_id("send-my-packages").click()
    expect(page.locator("#send-link-status")).to_have_text("Link to their packages sent by SMS to +91 98450 12345.")
    run_worker()
    (sms,) = gateway.requests
    assert sms["body"]["to"] == asha.phone
    save_screenshot(page, "integrated-billing-send-link.png")
