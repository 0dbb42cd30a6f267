"""Branches at the counter, at 1366 and 800 px (issue 25 item 15): the branch worked at stands out
in the top bar, and changing branch with a bill in progress asks first."""
import pytest
from playwright.sync_api import expect

from branches.models import BranchMembership
from tests.browser.counter import add_service, pick_customer
from tests.browser.shots import save_screenshot
from tests.factories import BranchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}


@pytest.fixture
def chain(shop):
    """The cashier works at Indiranagar and Koramangala."""
    branches = BranchFactory(code="IND", name="Indiranagar"), BranchFactory(code="KOR", name="Koramangala")
    for branch in branches:
        BranchMembership.objects.create(user=shop["cashier"], branch=branch)
    return branches


def work_at(page, name: str):
    page.locator("label", has_text=name).locator("input[type=radio]").check()
    page.click("text=Work here")


@pytest.mark.parametrize("size", SIZES, ids=lambda name: f"{name}px")
def test_the_branch_stands_out_and_a_switch_with_a_bill_in_progress_asks_first(
    page, sign_in, live_server, shop, chain, size
):
    page.set_viewport_size(SIZES[size])
    sign_in("cashier", "/branch")
    work_at(page, "Indiranagar")
    page.goto(f"{live_server.url}/integrated-billing")

    chip = page.get_by_test_id("current-branch")
    expect(chip).to_be_visible()  # beside the spa's name, menu folded or not
    expect(chip).to_contain_text("Indiranagar")
    font = "el => [parseFloat(getComputedStyle(el).fontSize), parseInt(getComputedStyle(el).fontWeight)]"
    size_px, weight = chip.evaluate(font)
    brand_px, _ = page.locator(".navbar-brand").evaluate(font)
    assert size_px >= brand_px and weight >= 700, (size_px, brand_px, weight)  # it was small print, regular
    save_screenshot(page, f"branch-topbar-{size}.png", clip={"x": 0, "y": 0, "width": SIZES[size]["width"], "height": 120})

    pick_customer(page, "Asha Rao")
    add_service(page, shop["facial"])
    chip.click()
    work_at(page, "Koramangala")

    question = page.get_by_test_id("branch-switch-confirm")
    expect(question).to_contain_text("Switch to Koramangala?")
    expect(question).to_contain_text("a bill in progress for Asha Rao (1 line)")
    expect(page.get_by_test_id("current-branch")).to_contain_text("Indiranagar")  # not switched yet
    save_screenshot(page, f"branch-switch-confirm-{size}.png")

    page.get_by_test_id("branch-switch-no").click()
    expect(page.get_by_test_id("current-branch")).to_contain_text("Indiranagar")
    expect(page.locator("#cart tbody tr[data-line]")).to_have_count(1)

    page.get_by_test_id("current-branch").click()
    work_at(page, "Koramangala")
    page.get_by_test_id("branch-switch-yes").click()
    expect(page.get_by_test_id("current-branch")).to_contain_text("Koramangala")
