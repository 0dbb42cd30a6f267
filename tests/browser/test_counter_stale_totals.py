"""Issue 10, item 2: the counter issues only on totals the cashier has seen, with previews slowed by 1.5 s."""
import time

import pytest
from playwright.sync_api import expect

from billing.services import CartItem, invoice_preview
from catalog.models import Service
from core.money import format_inr
from tests.browser.counter import add_service, generate, open_counter, pay, sale_invoices, set_quantity, wait_for_totals
from tests.factories import inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def slow_previews(page, seconds: float = 1.5):
    """Hold every cart post (the preview) for `seconds` before it reaches the server."""

    def hold(route):
        time.sleep(seconds)
        route.continue_()

    page.route("**/integrated-billing/cart", hold)


def grand_total(customer, service, quantity):
    items = [CartItem(type="service", id=service.pk, quantity=quantity)]
    return invoice_preview(customer=customer, items=items, use_credit=True).summary.grand_total


def test_with_a_slow_preview_generate_waits_and_the_invoice_is_for_the_total_shown(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "upi")
    wait_for_totals(page)
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(grand_total(shop["customer"], shop["massage"], 1)))
    slow_previews(page)

    set_quantity(page, 0, 3)

    # The totals on screen are for qty 1: they are marked stale and Generate is off, Alt+G too.
    expect(page.locator("#generate-invoice")).to_be_disabled()
    expect(page.locator("#counter-figures")).to_have_attribute("data-state", "stale")
    page.keyboard.press("Alt+g")
    assert not sale_invoices().exists()

    new_total = grand_total(shop["customer"], shop["massage"], 3)
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(new_total), timeout=8000)
    page.unroute("**/integrated-billing/cart")
    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    invoice = sale_invoices().get()
    assert invoice.grand_total.amount == new_total
    assert invoice.lines.get().quantity == 3


def test_generate_is_off_while_the_totals_show_an_error(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    wait_for_totals(page)
    expect(page.locator("#generate-invoice")).to_be_enabled()

    set_quantity(page, 0, "0")

    expect(page.locator("#counter-figures")).to_have_attribute("data-state", "error")
    expect(page.locator('[data-summary="grand_total"]')).to_have_text("—")
    expect(page.locator("#generate-invoice")).to_be_disabled()


def test_a_price_changed_after_the_totals_were_shown_is_refused_with_the_new_totals_and_nothing_written(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    wait_for_totals(page)
    shown = grand_total(shop["customer"], shop["massage"], 1)
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(shown))

    Service.objects.filter(pk=shop["massage"].pk).update(price=inr("3000.00"))
    page.click("#generate-invoice")

    expect(page.locator("[data-invoice-alert]")).to_contain_text("The totals changed; check and press again.")
    now = grand_total(shop["customer"], shop["massage"], 1)
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(now))
    assert not sale_invoices().exists()

    generate(page)  # pressed again, on the totals now shown
    expect(page.locator("#receipt-modal")).to_be_visible()
    assert sale_invoices().get().grand_total.amount == now
