"""One Indian format in Chromium (issue 10, item 10): the admin's dates, money, phones and date
inputs, and the reports' date pickers, whatever the browser's own locale (en-US here)."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Invoice
from billing.services import CartItem, PaymentIn, invoice_create
from receipts.models import Receipt
from tests.browser.shots import save_screenshot
from tests.factories import ServiceFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}
BILL_MOMENT = datetime(2026, 11, 30, 13, 10, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture
def invoice(shop):
    """Asha's bill of ₹1,054.00 (₹1,003.80 + 5% GST), issued at 1:10 PM on 30 Nov 2026."""
    service = ServiceFactory(name="Head Massage", price=inr("1003.80"))
    result = invoice_create(
        customer=shop["customer"], items=[CartItem(type="service", id=service.pk, quantity=1)], cashier=shop["cashier"],
        payments=[PaymentIn("cash")],
    )
    Invoice.objects.filter(pk=result.invoice.pk).update(issued_at=BILL_MOMENT)
    Receipt.objects.filter(pk=result.receipt.pk).update(issued_at=BILL_MOMENT)
    return result.invoice


@pytest.fixture
def us_browser(page):
    """The page, in a browser that says it is American: nothing we show may follow that."""
    assert page.evaluate("navigator.language") == "en-US"
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda name: f"{name}px")
def test_the_admin_shows_dates_money_and_phones_the_indian_way(us_browser, sign_in, invoice, size):
    page = us_browser
    page.set_viewport_size(SIZES[size])
    sign_in("manager", "/admin/billing/invoice/")

    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text(invoice.number)
    expect(row).to_contain_text("₹1,054.00")
    expect(row).not_to_contain_text(re.compile(r"[A-Z][a-z]{2}\. \d"))  # no "Nov. 30"

    page.goto(page.url.replace("/admin/billing/invoice/", f"/admin/billing/invoice/{invoice.pk}/change/"))
    content = page.locator("#content")
    expect(content).to_contain_text("30 Nov 2026, 1:10 PM")
    expect(content).to_contain_text("Asha Rao (+91 98450 12345)")
    expect(content).not_to_contain_text("p.m.")

    page.goto(page.url.replace(f"/admin/billing/invoice/{invoice.pk}/change/", f"/admin/billing/invoice/{invoice.pk}/void/"))
    expect(page.locator("#content")).to_contain_text("grand total ₹1,054.00")
    save_screenshot(page, f"admin-void-{size}.png")

    page.goto(page.url.split("/admin/")[0] + "/admin/customers/customer/")
    expect(page.locator("#result_list")).to_contain_text("+91 98450 12345")
    expect(page.locator("#result_list")).not_to_contain_text("+919845012345")


def test_the_admin_date_widget_writes_dd_mm_yyyy_in_an_american_browser(us_browser, sign_in, shop):
    page = us_browser
    sign_in("manager", f"/admin/customers/customer/{shop['customer'].pk}/change/")

    page.locator("#id_date_of_birth").fill("")
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()

    today = timezone.localdate()
    expect(page.locator("#id_date_of_birth")).to_have_value(today.strftime("%d-%m-%Y"))

    page.locator("#id_date_of_birth").fill("03-05-1990")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#id_date_of_birth")).to_have_value("03-05-1990")
    expect(page.locator("#id_phone")).to_have_value("+91 98450 12345")


@pytest.mark.parametrize("size", SIZES, ids=lambda name: f"{name}px")
def test_the_reports_date_pickers_read_dd_mm_yyyy_in_an_american_browser(us_browser, sign_in, shop, size):
    page = us_browser
    page.set_viewport_size(SIZES[size])
    sign_in("manager", "/reports?tab=day-close")

    day = page.locator("#day-close-day")
    expect(day).to_have_attribute("type", "text")
    expect(day).to_have_value(timezone.localdate().strftime("%d-%m-%Y"))

    yesterday = timezone.localdate() - timedelta(days=1)
    day.fill(yesterday.strftime("%d-%m-%Y"))
    page.locator('[data-testid="show-day-close"]').click()

    expect(page.locator("#day-close-day")).to_have_value(yesterday.strftime("%d-%m-%Y"))
    expect(page.locator('[data-testid="day-close-total"]').locator("..")).to_contain_text(
        f"{yesterday.day} {yesterday:%b %Y}"
    )
    expect(page.locator('[data-testid="csv-day-close"]')).to_have_attribute("href", re.compile(f"date={yesterday.isoformat()}"))
    save_screenshot(page, f"reports-pickers-{size}.png")
