"""Issue 10, item 5: nothing a cashier did at the counter is lost (reload, Back/Forward, leaving, reprint)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.counter import (
    add_service,
    close_receipt,
    generate,
    lines,
    open_counter,
    pay,
    sale_invoices,
    set_quantity,
    wait_for_totals,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accept_leaving(page) -> list[str]:
    """Answer "Leave" to the page's question; return the kinds of dialog seen."""
    seen = []

    def answer(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    return seen


def test_the_cart_survives_a_reload_and_back_and_forward(shop, sign_in, live_server):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    add_service(page, shop["facial"])
    set_quantity(page, 1, 2)
    pay(page, "upi")
    wait_for_totals(page)
    accept_leaving(page)

    page.reload()
    expect(lines(page)).to_have_count(2)
    expect(lines(page).nth(1).locator("td.qty-col input")).to_have_value("2")
    expect(page.locator("#id_pay-0-method")).to_have_value("upi")
    expect(page.locator("[data-customer-name]")).to_have_text("Asha Rao")
    wait_for_totals(page)

    page.goto(f"{live_server.url}/packages")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/integrated-billing$"))
    expect(lines(page)).to_have_count(2)
    page.go_forward()
    page.go_back()
    expect(lines(page)).to_have_count(2)
    expect(page.locator("#generate-invoice")).to_be_enabled()


def test_leaving_with_a_cart_asks_first(shop, sign_in, live_server):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    wait_for_totals(page)
    seen = accept_leaving(page)

    page.goto(f"{live_server.url}/packages")

    assert seen == ["beforeunload"]


def test_recent_invoices_of_today_are_on_the_counter_with_reprint(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    generate(page)
    close_receipt(page)
    invoice = sale_invoices().get()

    page.reload()
    recent = page.locator(f'#recent-invoices [data-recent="{invoice.number}"]')
    expect(recent).to_contain_text("Asha Rao")
    recent.locator("[data-reprint]").click()

    expect(page.locator("#receipt-modal")).to_be_visible()
    expect(page.locator("#receipt-modal [data-receipt-frame]")).to_have_attribute("src", f"/receipts/{invoice.receipt_id}")
