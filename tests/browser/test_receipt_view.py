"""The receipt page as a cashier and a customer see it (issue 10, items 6 and 7, and the favicon).

The grand total is at the top, above the fold; one Print and one PDF; no admin link; nothing is
cut off at 800 px (the A4 sheet shrinks) nor in the counter's narrow receipt frame (the slip);
and only customer-facing words are printed: never a counter reason like a guest-count rule.
"""

import pytest
from playwright.sync_api import expect

from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create
from core.formats import format_datetime
from core.money import format_inr
from tests.browser.shots import save_screenshot
from tests.factories import KittyPartyFactory, ServiceFactory, inr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SIZES = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}
# The counter's receipt pop-up frame: a large modal at 1366x768 (70% of the height), Bootstrap's
# default modal width on a tablet held upright.
FRAME_SIZES = {"1366": {"width": 766, "height": 537}, "800": {"width": 498, "height": 896}}


@pytest.fixture
def bill(shop):
    """Asha's bill: a facial from her 3+1 package, a big-ticket bridal package, a massage her kitty party can't pay."""
    sale = assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["cashier"],
        payment=PaymentIn(method="cash"),
    )
    kitty = assignment_sell(
        customer=shop["customer"], template=KittyPartyFactory(name="Kitty Party 20,000", services_included=[shop["massage"]]),
        user=shop["cashier"], payment=PaymentIn(method="cash"),
    )
    bridal = ServiceFactory(name="Bridal Glow Ritual", price=inr("100000.00"))
    result = invoice_create(
        customer=shop["customer"],
        items=[
            CartItem(type="service", id=shop["facial"].pk, quantity=1),
            CartItem(type="service", id=bridal.pk, quantity=1),
            CartItem(type="service", id=shop["massage"].pk, quantity=1),
            CartItem(type="product", id=shop["serum"].pk, quantity=2),
        ],
        cashier=shop["cashier"],
        payments=[PaymentIn(method="upi", reference="UPI-777")],
    )
    return {"invoice": result.invoice, "receipt": result.receipt, "sale": sale, "kitty": kitty.assignment}


def open_receipt(sign_in, page, receipt, size, *, username="cashier", query=""):
    page.set_viewport_size(size)
    sign_in(username, f"/receipts/{receipt.pk}{query}")
    return page


def in_view(page, locator) -> bool:
    """Tell whether the element is wholly inside the viewport, without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= size["width"] and (
        box["y"] + box["height"] <= size["height"]
    )


def no_sideways_scroll(page) -> bool:
    """Tell whether the page and the visible document's tables stay within their width (no cut-off column)."""
    return page.evaluate(
        """() => {
          const root = document.scrollingElement;
          if (root.scrollWidth > root.clientWidth) return false;
          const sheet = [...document.querySelectorAll(".document")].find((element) => element.offsetParent !== null);
          const edge = sheet.getBoundingClientRect().right + 1;
          return [...sheet.querySelectorAll("table")].every((table) => table.getBoundingClientRect().right <= edge);
        }"""
    )


@pytest.mark.parametrize("size", PAGE_SIZES, ids=lambda name: f"{name}px")
def test_the_receipt_shows_its_grand_total_at_the_top_with_one_print_and_one_pdf(page, sign_in, bill, size):
    page = open_receipt(sign_in, page, bill["receipt"], PAGE_SIZES[size])
    grand_total = bill["invoice"].grand_total

    top_total = page.locator(".document:visible [data-testid=top-total]")
    expect(top_total).to_contain_text("Grand total")
    expect(top_total).to_contain_text(format_inr(grand_total))
    assert in_view(page, top_total), "the grand total is below the fold"
    expect(page.get_by_role("button", name="Print")).to_have_count(1)
    expect(page.get_by_role("link", name="PDF")).to_have_count(1)
    assert no_sideways_scroll(page)
    save_screenshot(page, f"receipt-{size}.png", full_page=False)


@pytest.mark.parametrize("size", FRAME_SIZES, ids=lambda name: f"frame-at-{name}px")
def test_in_the_counters_receipt_frame_the_grand_total_is_in_view_and_nothing_is_cut_off(page, sign_in, bill, size):
    page = open_receipt(sign_in, page, bill["receipt"], FRAME_SIZES[size])

    assert no_sideways_scroll(page), "the receipt runs off the frame on the right"
    document = page.locator(".document:visible")
    for text in ("CGST", "SGST"):
        cell = document.get_by_text(text).first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= FRAME_SIZES[size]["width"], f"{text} is cut off on the right"
    expect(document.locator(".totals .grand")).to_contain_text(format_inr(bill["invoice"].grand_total))
    top_total = document.locator("[data-testid=top-total]")
    expect(top_total).to_have_count(1)
    assert in_view(page, top_total), "the grand total is below the fold of the frame"
    save_screenshot(page, f"receipt-frame-{size}.png", full_page=False)


def test_at_800px_the_a4_receipt_keeps_cgst_sgst_and_total_in_view(page, sign_in, bill):
    page = open_receipt(sign_in, page, bill["receipt"], PAGE_SIZES["800"], query="?format=a4")

    headers = page.locator(".document:visible table.lines thead th")
    for name in ("CGST", "SGST", "Total (₹)"):
        header = headers.filter(has_text=name)
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box["x"] + box["width"] <= 800, f"{name} is cut off on the right"
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("username", ["cashier", "manager"])
def test_the_receipt_shows_no_admin_link_to_cashiers_or_managers(page, sign_in, bill, username):
    page = open_receipt(sign_in, page, bill["receipt"], PAGE_SIZES["1366"], username=username)

    expect(page.locator("a[href*='/admin/']")).to_have_count(0)
    expect(page.get_by_text("Packages in admin")).to_have_count(0)


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_receipt_prints_what_the_package_paid_for_but_never_the_counters_reasons(page, sign_in, bill, media):
    page = open_receipt(sign_in, page, bill["receipt"], PAGE_SIZES["1366"])
    page.emulate_media(media=media)
    sold_on = bill["sale"].invoice.number

    document = page.locator(".document:visible")
    expect(document).to_contain_text(f"Hydrating Facial, session 1 of 4 from 3+1 Facial Package; tax paid on {sold_on}")
    text = document.inner_text()
    assert "guests" not in text
    assert "this bill has" not in text
    assert "No package" not in text


def test_the_receipt_dates_and_phone_read_the_indian_way(page, sign_in, bill):
    page = open_receipt(sign_in, page, bill["receipt"], PAGE_SIZES["1366"])

    document = page.locator(".document:visible")
    expect(document).to_contain_text("+91 98450 12345")
    issued = bill["receipt"].issued_at
    expect(document).to_contain_text(format_datetime(issued))
    expect(document).to_contain_text("1,00,000.00")  # the bridal ritual, in lakh groups


def test_the_browser_gets_an_icon_at_favicon_ico(page, live_server):
    # Asked the way a browser asks (straight at /favicon.ico), not opened as a page: Chromium's
    # own image viewer would trip the CSP listener with its inline styles.
    response = page.request.get(f"{live_server.url}/favicon.ico")

    assert response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
