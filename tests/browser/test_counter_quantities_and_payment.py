"""Issue 10, items 3, 4 and 9 at the counter: whole quantities, a payment method chosen by the cashier,
errors in the cashier's words that show once and clear when fixed."""
import pytest
from playwright.sync_api import expect

from billing.models import Payment
from tests.browser.counter import (
    VIEWPORTS,
    add_service,
    generate,
    lines,
    open_counter,
    pay,
    sale_invoices,
    set_quantity,
    wait_for_totals,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUANTITY_ERROR = "Quantity must be a whole number from 1 to 1000"


def shown_times(page, text: str) -> int:
    """How many times `text` is on screen (rendered text only)."""
    return page.evaluate("(text) => document.body.innerText.split(text).length - 1", text)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_quantity_of_2_point_5_is_refused_in_words_never_billed_as_2(shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["massage"])
    pay(page, "cash")

    set_quantity(page, 0, "2.5")

    expect(page.locator("#counter-figures")).to_have_attribute("data-state", "error")
    error = lines(page).first.locator(".field-error")
    expect(error).to_have_text(QUANTITY_ERROR)
    assert shown_times(page, QUANTITY_ERROR) == 1
    quantity = lines(page).first.locator("td.qty-col input")
    assert quantity.get_attribute("aria-describedby") == error.get_attribute("id")
    expect(page.locator("#generate-invoice")).to_be_disabled()

    set_quantity(page, 0, "2")
    wait_for_totals(page)
    expect(error).to_be_hidden()
    generate(page)
    expect(page.locator("#receipt-modal")).to_be_visible()
    assert sale_invoices().get().lines.get().quantity == 2


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_qty_column_shows_four_digits(shop, sign_in, viewport):
    page = open_counter(sign_in, viewport=viewport)
    add_service(page, shop["massage"])

    set_quantity(page, 0, "1000")
    wait_for_totals(page)

    quantity = lines(page).first.locator("td.qty-col input")
    expect(quantity).to_have_value("1000")
    fits = quantity.evaluate(
        """input => {
            const probe = document.createElement("span");
            const style = getComputedStyle(input);
            probe.textContent = input.value;
            probe.style.font = style.font;
            document.body.append(probe);
            const text = probe.getBoundingClientRect().width;
            probe.remove();
            const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            return text <= room;
        }"""
    )
    assert fits, "1000 does not fit in the Qty box"


def test_no_payment_method_is_chosen_for_the_cashier_and_generate_waits_for_one(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    wait_for_totals(page)

    expect(page.locator("#id_pay-0-method")).to_have_value("")
    expect(page.locator("#generate-invoice")).to_be_disabled()
    expect(page.locator("[data-summary-state]")).to_have_text("Choose how the customer pays to issue the invoice.")

    pay(page, "upi")
    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    invoice = sale_invoices().get()
    assert list(Payment.objects.filter(invoice=invoice).values_list("method", flat=True)) == ["upi"]


def test_a_split_payment_still_works(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    page.fill("#id_pay-0-amount", "1000")
    page.click("#add-payment")
    expect(page.locator("#id_pay-1-method")).to_be_focused()
    pay(page, "upi", row=1)
    page.fill("#id_pay-1-reference", "UPI-4471")

    generate(page)

    expect(page.locator("#receipt-modal")).to_be_visible()
    invoice = sale_invoices().get()
    paid = dict(Payment.objects.filter(invoice=invoice).values_list("method", "amount"))
    assert str(paid["cash"]) == "1000.00"
    assert paid["cash"] + paid["upi"] == invoice.grand_total.amount


def test_errors_name_their_field_show_once_and_clear_when_fixed(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])
    pay(page, "cash")
    page.click(".bill-options > summary")

    page.fill("#id_discount", "a hundred")
    message = "Bill discount must be an amount in rupees, like 100.00."
    expect(page.locator("#id_discount_error")).to_have_text(message)
    assert shown_times(page, message) == 1
    page.fill("#id_discount", "100")
    wait_for_totals(page)
    expect(page.locator("#id_discount_error")).to_be_hidden()

    page.fill("#id_pay-0-amount", "0")
    expect(page.locator("#id_pay-0-amount_error")).to_have_text("Payment amount must be more than zero.")
    page.fill("#id_pay-0-amount", "")
    wait_for_totals(page)
    expect(page.locator("#id_pay-0-amount_error")).to_be_hidden()
    expect(page.locator("#generate-invoice")).to_be_enabled()


def test_no_placeholder_on_the_counter_looks_like_a_typed_value(shop, sign_in):
    page = open_counter(sign_in)
    add_service(page, shop["massage"])

    placeholders = page.eval_on_selector_all("#counter [placeholder]", "nodes => nodes.map(n => n.placeholder)")

    assert placeholders == []
