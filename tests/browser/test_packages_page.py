"""A manager creates a template of every kind on /packages (Django forms posted with htmx); a cashier cannot."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from packages.models import (
    KittyParty,
    Membership,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    YearlyMembership,
)
from tests.browser.shots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "800": {"width": 800, "height": 1280}}


def form_of(page, kind: str):
    page.click(f"#tab-{kind}")
    form = page.locator(f'.template-form[data-kind="{kind}"]')
    expect(form).to_be_visible()
    return form


def create(page, form, kind: str):
    name = form.locator('[name="name"]').input_value()
    form.locator("[type=submit]").click()
    # The tab answers with its list and a fresh form, and says which template it made.
    expect(page.locator(f"#pane-{kind} [data-flash]")).to_have_text(f"Template “{name}” created.")
    expect(page.locator(f"#pane-{kind} table")).to_contain_text(name)


def test_manager_creates_a_template_of_each_kind(shop, sign_in):
    page = sign_in("manager", "/packages")

    form = form_of(page, "prepaid")
    form.locator('[name="name"]').fill("Prepaid 15,000")
    form.locator('[name="actual_price"]').fill("15000")
    form.locator('[name="after_value"]').fill("17500")
    # The benefit appears as the manager types, worked out by the server.
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("16.67%")
    create(page, form, "prepaid")
    expect(page.locator("#count-prepaid")).to_have_text("1")

    form = form_of(page, "service_package")
    form.locator('[name="name"]').fill("5+1 Massage Package")
    form.locator('[name="pay_for"]').fill("3")
    form.locator('[name="total_services"]').fill("4")
    expect(form.locator('[data-computed="free_sessions"]')).to_have_text("1")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("33.33%")
    form.locator('[name="pay_for"]').fill("5")
    form.locator('[name="total_services"]').fill("6")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("20.00%")
    create(page, form, "service_package")

    form = form_of(page, "membership")
    form.locator('[name="name"]').fill("Gold Membership")
    form.locator('[name="price"]').fill("50000")
    form.get_by_label("Hydrating Facial").check()
    form.get_by_label("Swedish Massage").check()
    create(page, form, "membership")

    form = form_of(page, "student_offer")
    form.locator('[name="name"]').fill("Student 20%")
    form.locator('[name="discount_percentage"]').fill("20")
    form.locator('[name="valid_from"]').fill("01-01-2026")
    form.locator('[name="valid_to"]').fill("31-12-2030")
    create(page, form, "student_offer")

    form = form_of(page, "yearly_membership")
    form.locator('[name="name"]').fill("Yearly 1,00,000")
    form.locator('[name="price"]').fill("100000")
    form.locator('[name="discount_percent"]').fill("15")
    form.locator('[name="extra_benefits"]').fill("Free birthday session")
    create(page, form, "yearly_membership")

    form = form_of(page, "kitty_party")
    form.locator('[name="name"]').fill("Kitty Party 20,000")
    form.locator('[name="price"]').fill("20000")
    form.locator('[name="after_value"]').fill("25000")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("25.00%")
    form.get_by_label("Hydrating Facial").check()
    create(page, form, "kitty_party")

    expect(page.locator("#pane-kitty_party")).to_contain_text("25.00%")
    assert PrepaidPackage.objects.get().benefit_percent == Decimal("16.67")
    assert ServicePackage.objects.get(name="5+1 Massage Package").free_sessions == 1
    assert set(Membership.objects.get().services_included.values_list("name", flat=True)) == {
        "Hydrating Facial", "Swedish Massage",
    }
    offer = StudentOffer.objects.get()
    assert (offer.valid_from.isoformat(), offer.valid_to.isoformat(), offer.valid_days) == ("2026-01-01", "2030-12-31", "Mon-Fri")
    assert YearlyMembership.objects.get().extra_benefits == "Free birthday session"
    assert KittyParty.objects.get().min_guests == 10


def test_manager_gives_a_validity_in_days(shop, sign_in):
    page = sign_in("manager", "/packages")

    form = form_of(page, "service_package")
    form.locator('[name="name"]').fill("3+1 Facial, 60 days")
    form.locator('[name="pay_for"]').fill("3")
    form.locator('[name="total_services"]').fill("4")
    form.locator('[name="validity"]').fill("60")
    form.get_by_label("days").check()
    create(page, form, "service_package")

    expect(page.locator("#pane-service_package")).to_contain_text("60 days")
    package = ServicePackage.objects.get(name="3+1 Facial, 60 days")
    assert (package.validity_months, package.validity_days) == (None, 60)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_refused_figures_are_named_once_next_to_their_field_and_clear_when_fixed(shop, sign_in, size):
    page = sign_in("manager", "/packages")
    page.set_viewport_size(VIEWPORTS[size])

    form = form_of(page, "service_package")
    # No placeholder that reads like a typed value ("3" / "4").
    for name in ["pay_for", "total_services"]:
        assert not re.fullmatch(r"[\d.,]+", form.locator(f'[name="{name}"]').get_attribute("placeholder") or "x")
    form.locator('[name="name"]').fill("Nonsense")
    form.locator('[name="pay_for"]').fill("4")
    form.locator('[name="total_services"]').fill("4")
    form.locator("[type=submit]").click()

    form = page.locator('.template-form[data-kind="service_package"]')
    error = form.locator("#id_service_package_total_services_error")
    expect(error).to_contain_text("more than the sessions paid for")
    expect(error).to_be_in_viewport()
    expect(form.locator("text=more than the sessions paid for")).to_have_count(1)
    assert not ServicePackage.objects.filter(name="Nonsense").exists()
    expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)
    page.wait_for_timeout(300)  # the tab's fade
    save_screenshot(page, f"packages-{size}.png")

    form.locator('[name="total_services"]').fill("5")
    form.locator("[type=submit]").click()
    expect(page.locator("#pane-service_package [data-flash]")).to_be_visible()
    expect(page.locator("#id_service_package_total_services_error")).to_have_count(0)


def test_cashier_sees_no_create_form_and_cannot_create_a_template(shop, sign_in):
    page = sign_in("cashier", "/packages")

    expect(page.locator(".template-form")).to_have_count(0)
    expect(page.locator("#pane-service_package [data-action=assign]").first).to_be_attached()
    status = page.evaluate(
        """async () => {
            const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
            const response = await fetch("/packages/new/service_package", {
                method: "POST", headers: {"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"},
                body: "name=Sneaky&pay_for=1&total_services=2",
            });
            return response.status;
        }"""
    )
    assert status == 403
    assert not ServicePackage.objects.filter(name="Sneaky").exists()
