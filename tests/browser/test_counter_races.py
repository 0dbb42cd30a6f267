"""Issue 25 item 5: what the counter shows is what the server has, however fast the cashier clicks.

A payment method chosen as the cart is redrawn, and an Add or "+ Split" pressed while a typed change is
still waiting to be posted, used to be shown on screen and never reach the server.
"""
import pytest
from playwright.sync_api import expect

from billing.models import Payment
from core.money import format_inr
from tests.browser.counter import (
    add_service,
    generate,
    lines,
    open_counter,
    pay,
    sale_invoices,
    set_quantity,
    wait_for_totals,
)
from tests.browser.test_counter_stale_totals import slow_previews

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The cashier's pick, made the moment an answer is swapped in, before htmx has settled (wired up) the new counter.
PICK_CARD_AS_THE_CART_IS_REDRAWN = """() => document.body.addEventListener("htmx:afterSwap", () => {
  const method = document.querySelector("#id_pay-0-method");
  if (!method || window.cardPicked) return;
  window.cardPicked = true;
  method.value = "card";
  method.dispatchEvent(new Event("input", { bubbles: true }));
  method.dispatchEvent(new Event("change", { bubbles: true }));
})"""


def test_a_method_chosen_as_the_cart_is_redrawn_is_the_one_the_server_has(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    page.evaluate(PICK_CARD_AS_THE_CART_IS_REDRAWN)

    page.select_option("#add-product", str(shop["serum"].pk))
    page.click("#add-product-button")

    expect(lines(page)).to_have_count(2)
    expect(page.locator("#id_pay-0-method")).to_have_value("card")
    wait_for_totals(page)  # not left grey: the choice was posted
    expect(page.locator("#generate-invoice")).to_be_enabled()
    generate(page)
    expect(page.locator("#receipt-modal")).to_be_visible()
    assert Payment.objects.get(invoice=sale_invoices().get()).method == "card"


@pytest.mark.parametrize("button", ["add", "split"])
def test_a_click_right_after_typing_is_not_lost_with_slow_answers(shop, sign_in, button):
    page = open_counter(sign_in)
    add_service(page, shop["facial"])
    pay(page, "cash")
    wait_for_totals(page)
    slow_previews(page)

    set_quantity(page, 0, 2)
    if button == "add":  # within the 0.4 s the typed quantity waits to be posted
        page.select_option("#add-product", str(shop["serum"].pk))
        page.click("#add-product-button")
    else:
        page.click("#add-payment")

    if button == "add":
        expect(lines(page)).to_have_count(2, timeout=8000)
    else:
        expect(page.locator("[data-payment]")).to_have_count(2, timeout=8000)
    expect(lines(page).first.locator("td.qty-col input")).to_have_value("2")
    wait_for_totals(page)
    page.unroute("**/integrated-billing/cart")
    # Two facials (₹1,200 + 5% GST each), and the serum when it was added: the server has what is shown.
    expected = 2 * 1260 + (850 * 118 // 100 if button == "add" else 0)
    expect(page.locator('[data-summary="grand_total"]')).to_have_text(format_inr(expected))
