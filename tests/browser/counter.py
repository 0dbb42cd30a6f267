"""Steps at the counter (/integrated-billing) shared by its browser tests: what a cashier does, by the page's ids."""
import re

from playwright.sync_api import expect

from billing.models import Invoice, InvoiceKind

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "tablet": {"width": 800, "height": 1280}}


def pick_customer(page, name: str):
    """Find the customer by name in the picker and pick them; wait for the counter to take them."""
    page.fill("[data-customer-query]", name.split()[0])
    page.locator("[data-customer-results] button", has_text=name).click()
    expect(page.locator("#counter")).to_have_attribute("data-customer", re.compile(r"^\d+$"))
    settled(page, "#add-service")
    return page


def settled(page, focused: str):
    """Wait for the counter's answer to settle: htmx wires the new content up, then focus moves on."""
    expect(page.locator(focused)).to_be_focused()


def open_counter(sign_in, username: str = "cashier", name: str = "Asha Rao", viewport: str = "desktop"):
    page = sign_in(username, "/integrated-billing")
    page.set_viewport_size(VIEWPORTS[viewport])
    return pick_customer(page, name)


def lines(page):
    return page.locator("#cart tbody tr[data-line]")


def add_service(page, service, quantity: int = 1):
    before = lines(page).count()
    page.select_option("#add-service", str(service.pk))
    page.click("#add-service-button")
    expect(lines(page)).to_have_count(before + 1)
    settled(page, f"#cart tbody tr[data-line]:nth-child({before + 1}) td.qty-col input")
    if quantity != 1:
        set_quantity(page, before, quantity)


def add_product(page, product):
    before = lines(page).count()
    page.select_option("#add-product", str(product.pk))
    page.click("#add-product-button")
    expect(lines(page)).to_have_count(before + 1)
    settled(page, f"#cart tbody tr[data-line]:nth-child({before + 1}) td.qty-col input")


def set_quantity(page, index: int, quantity):
    lines(page).nth(index).locator("td.qty-col input").fill(str(quantity))


def pay(page, method: str = "cash", row: int = 0):
    page.select_option(f"#id_pay-{row}-method", method)


def wait_for_totals(page):
    expect(page.locator("#counter-figures")).to_have_attribute("data-state", "fresh")


def package_row(page, assignment):
    return page.locator(f'#packages-table tr[data-assignment-id="{assignment.pk}"]')


def generate(page):
    wait_for_totals(page)
    expect(page.locator("#generate-invoice")).to_be_enabled()
    page.click("#generate-invoice")


def close_receipt(page):
    modal = page.locator("#receipt-modal")
    expect(modal).to_be_visible()
    expect(modal).to_have_attribute("data-open", "true")
    modal.locator(".btn-close").click()
    expect(modal).to_be_hidden()


def bill_one_session(page, assignment):
    """Bill one session of `assignment` paid by package, wait for 3/4 on screen, close the receipt; return the row."""
    row = package_row(page, assignment)
    add_service(page, assignment.service)
    generate(page)
    expect(row.locator("[data-balance]")).to_have_text("3/4 sessions")
    close_receipt(page)
    return package_row(page, assignment)


def sale_invoices():
    return Invoice.objects.filter(kind=InvoiceKind.SALE)
