"""A manager creates a template of every kind on /packages; a cashier cannot."""
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def form_of(page, kind: str):
    page.click(f"#tab-{kind}")
    form = page.locator(f'.template-form[data-kind="{kind}"]')
    expect(form).to_be_visible()
    return form


def create(page, form):
    name = form.locator('[name="name"]').input_value()
    form.locator("[type=submit]").click()
    # The page reloads on the created kind's tab and says which template it made.
    expect(page.locator("#flash")).to_have_text(f"Template “{name}” created.")


def test_manager_creates_a_template_of_each_kind(shop, sign_in):
    page = sign_in("manager", "/packages")

    form = form_of(page, "prepaid")
    form.locator('[name="name"]').fill("Prepaid 15,000")
    form.locator('[name="actual_price"]').fill("15000")
    form.locator('[name="after_value"]').fill("17500")
    # The benefit appears as the manager types, worked out by the server.
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("16.67%")
    create(page, form)
    expect(page.locator("#pane-prepaid")).to_contain_text("Prepaid 15,000")

    form = form_of(page, "service_package")
    form.locator('[name="name"]').fill("5+1 Massage Package")
    form.locator('[name="pay_for"]').fill("3")
    form.locator('[name="total_services"]').fill("4")
    expect(form.locator('[data-computed="free_sessions"]')).to_have_text("1")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("33.33%")
    form.locator('[name="pay_for"]').fill("5")
    form.locator('[name="total_services"]').fill("6")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("20.00%")
    create(page, form)

    form = form_of(page, "membership")
    form.locator('[name="name"]').fill("Gold Membership")
    form.locator('[name="price"]').fill("50000")
    form.locator('[name="services_included"]').select_option([str(shop["facial"].pk), str(shop["massage"].pk)])
    create(page, form)

    form = form_of(page, "student_offer")
    form.locator('[name="name"]').fill("Student 20%")
    form.locator('[name="discount_percentage"]').fill("20")
    form.locator('[name="valid_from"]').fill("2026-01-01")
    form.locator('[name="valid_to"]').fill("2030-12-31")
    create(page, form)

    form = form_of(page, "yearly_membership")
    form.locator('[name="name"]').fill("Yearly 1,00,000")
    form.locator('[name="price"]').fill("100000")
    form.locator('[name="discount_percent"]').fill("15")
    form.locator('[name="extra_benefits"]').fill("Free birthday session")
    create(page, form)

    form = form_of(page, "kitty_party")
    form.locator('[name="name"]').fill("Kitty Party 20,000")
    form.locator('[name="price"]').fill("20000")
    form.locator('[name="after_value"]').fill("25000")
    expect(form.locator('[data-computed="benefit_percent"]')).to_have_text("25.00%")
    form.locator('[name="services_included"]').select_option([str(shop["facial"].pk)])
    create(page, form)

    # The page came back to the kind it created, listing the server's figures.
    expect(page.locator("#pane-kitty_party")).to_be_visible()
    expect(page.locator("#pane-kitty_party")).to_contain_text("25.00%")
    assert PrepaidPackage.objects.get().benefit_percent == Decimal("16.67")
    assert ServicePackage.objects.get(name="5+1 Massage Package").free_sessions == 1
    assert set(Membership.objects.get().services_included.values_list("name", flat=True)) == {
        "Hydrating Facial", "Swedish Massage",
    }
    assert StudentOffer.objects.get().valid_days == "Mon-Fri"
    assert YearlyMembership.objects.get().extra_benefits == "Free birthday session"
    assert KittyParty.objects.get().min_guests == 10


def test_manager_gives_a_validity_in_days(shop, sign_in):
    page = sign_in("manager", "/packages")

    form = form_of(page, "service_package")
    form.locator('[name="name"]').fill("3+1 Facial, 60 days")
    form.locator('[name="pay_for"]').fill("3")
    form.locator('[name="total_services"]').fill("4")
    form.locator("[data-unit-for]").select_option("validity_days")
    form.locator('[name="validity_days"]').fill("60")
    create(page, form)

    expect(page.locator("#pane-service_package")).to_contain_text("60 days")
    package = ServicePackage.objects.get(name="3+1 Facial, 60 days")
    assert (package.validity_months, package.validity_days) == (None, 60)


def test_refused_figures_are_shown_next_to_their_field(shop, sign_in):
    page = sign_in("manager", "/packages")

    form = form_of(page, "service_package")
    form.locator('[name="name"]').fill("Nonsense")
    form.locator('[name="pay_for"]').fill("4")
    form.locator('[name="total_services"]').fill("4")
    form.locator("[type=submit]").click()

    expect(form.locator('[data-error-for="total_services"]')).to_contain_text("more than the sessions paid for")
    assert not ServicePackage.objects.filter(name="Nonsense").exists()


def test_cashier_sees_no_create_form_and_the_api_refuses_a_template(shop, sign_in):
    page = sign_in("cashier", "/packages")

    expect(page.locator(".template-form")).to_have_count(0)
    expect(page.locator("#pane-service_package [data-action=assign]").first).to_be_attached()
    status = page.evaluate(
        """async () => {
            const { status } = await Spa.postJSON("/api/service-packages", {name: "Sneaky", pay_for: 1, total_services: 2});
            return status;
        }"""
    )
    assert status == 403
    assert not ServicePackage.objects.filter(name="Sneaky").exists()
