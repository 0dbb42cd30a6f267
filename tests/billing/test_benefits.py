"""Which package applies to which line, and why not: every kind through the billing services."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.exceptions import InvalidCart
from billing.services import CartItem, PaymentIn, invoice_create, invoice_preview
from core.exceptions import DomainError
from core.formats import format_date
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from packages.services import assignment_create, assignment_pause
from tests.billing.conftest import next_weekday, product_item, service_item
from tests.factories import (
    CustomerFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def lines_of(computation):
    return computation.as_json()["lines"]


def test_three_plus_one_billed_five_at_once_gives_four_free_one_charged_and_completes(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(name="3+1 Facial"), facial)

    result = invoice_create(
        customer=customer, items=[service_item(facial, 5)], cashier=cashier, payments=[PaymentIn("cash")]
    )

    line = lines_of(result.computation)[0]
    assert line["package_applied"] == {
        "assignment_id": package.pk,
        "name": "3+1 Facial – Hydrating Facial",
        "benefit_type": "free",
        "quantity_covered": 4,
    }
    assert (line["gross"], line["discount"], line["taxable_value"], line["cgst"], line["total"]) == (
        "6000.00", "4800.00", "1200.00", "30.00", "1260.00",
    )
    package.refresh_from_db()
    assert (package.used_sessions, package.remaining_sessions, package.status) == (4, 0, "completed")
    tracker = PackageBenefitTracker.objects.get(assignment=package)
    assert (tracker.remaining_count, tracker.is_active) == (0, False)
    usage = PackageUsage.objects.get(assignment=package, kind="redeem")
    assert (usage.sessions_delta, usage.sessions_after, usage.invoice_number) == (-4, 0, result.invoice.number)
    assert result.updated_packages == [package]


def test_partial_cover_three_facials_with_two_left_are_two_free_and_one_charged(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(), facial)
    invoice_create(customer=customer, items=[service_item(facial, 2)], cashier=cashier)

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial, 3)]))[0]

    assert line["package_applied"]["quantity_covered"] == 2
    assert (line["discount"], line["taxable_value"]) == ("2400.00", "1200.00")
    package.refresh_from_db()
    assert package.remaining_sessions == 2


def test_a_redeemed_session_shows_its_value_with_tax_zero_citing_the_sale_invoice(customer, cashier, facial):
    from billing.services import assignment_sell

    sale = assignment_sell(
        customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("upi")
    )

    result = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)

    line = lines_of(result.computation)[0]
    assert (line["gross"], line["taxable_value"], line["cgst"], line["sgst"], line["total"]) == (
        "1200.00", "0.00", "0.00", "0.00", "0.00",
    )
    assert result.computation.summary.package_subtotal == D("1200.00")
    assert result.invoice.amount_payable.amount == D("0.00")
    printed = result.receipt.snapshot["lines"][0]
    package = sale.assignment.package_name.removesuffix(" – Hydrating Facial")
    assert printed["tax_note"] == f"Hydrating Facial, session 1 of 4 from {package}; tax paid on {sale.invoice.number}"


def test_soonest_expiring_service_package_is_used_first(customer, facial):
    later = assignment_create(customer=customer, template=ServicePackageFactory(validity_months=12), service=facial)
    sooner = assignment_create(customer=customer, template=ServicePackageFactory(validity_months=2), service=facial)

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)]))[0]

    assert line["package_applied"]["assignment_id"] == sooner.pk != later.pk


def test_a_service_package_does_not_cover_another_service_and_says_so(customer, facial, haircut, sell):
    sell(customer, ServicePackageFactory(name="3+1 Facial"), facial)

    line = lines_of(invoice_preview(customer=customer, items=[service_item(haircut)]))[0]

    assert line["package_applied"] is None
    assert line["package_note"] == '"3+1 Facial – Hydrating Facial" covers Hydrating Facial, not Haircut.'


def test_notes_say_none_left_expired_and_paused(customer, cashier, facial, sell):
    package = sell(customer, ServicePackageFactory(name="Used up"), facial)
    invoice_create(customer=customer, items=[service_item(facial, 4)], cashier=cashier)
    used_up = lines_of(invoice_preview(customer=customer, items=[service_item(facial)]))[0]["package_note"]

    other = CustomerFactory()
    old = assignment_create(customer=other, template=ServicePackageFactory(name="Old"), service=facial)
    PackageAssignment.objects.filter(pk=old.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    expired = lines_of(invoice_preview(customer=other, items=[service_item(facial)]))[0]["package_note"]

    third = CustomerFactory()
    resting = assignment_create(customer=third, template=ServicePackageFactory(name="Resting"), service=facial)
    assignment_pause(assignment=resting, user=cashier)
    paused = lines_of(invoice_preview(customer=third, items=[service_item(facial)]))[0]["package_note"]

    assert package.pk and used_up == '"Used up – Hydrating Facial" has no sessions left.'
    assert expired.startswith('"Old – Hydrating Facial" expired on ')
    assert paused == '"Resting – Hydrating Facial" is paused.'


def test_a_customer_without_packages_gets_a_note_on_every_line(customer, facial, shampoo):
    lines = lines_of(invoice_preview(customer=customer, items=[service_item(facial), product_item(shampoo)]))

    assert [line["package_note"] for line in lines] == ["The customer holds no package."] * 2


def test_membership_frees_only_its_included_services(customer, cashier, facial, haircut, sell):
    membership = sell(customer, MembershipFactory(name="Glow", services_included=[facial]))

    result = invoice_create(
        customer=customer, items=[service_item(facial, 2), service_item(haircut)], cashier=cashier,
        payments=[PaymentIn("card")],
    )

    free, charged = lines_of(result.computation)
    assert free["package_applied"]["benefit_type"] == "unlimited"
    assert (free["total"], free["package_applied"]["quantity_covered"]) == ("0.00", 2)
    assert charged["package_applied"] is None
    assert charged["package_note"] == '"Glow" does not include Haircut.'
    assert result.invoice.grand_total.amount == D("524.00")  # 499 + 5% = 523.95, rounded
    membership.refresh_from_db()
    assert membership.status == "active"
    assert PackageUsage.objects.filter(assignment=membership, kind="redeem", quantity=2).count() == 1


def test_student_offer_applies_on_a_valid_weekday(customer, facial):
    offer = assignment_create(customer=customer, template=StudentOfferFactory(discount_percentage=D("20"), valid_days="Mon-Fri"))

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)], bill_date=next_weekday(0)))[0]

    assert line["package_applied"]["assignment_id"] == offer.pk
    assert (line["discount"], line["taxable_value"], line["cgst"]) == ("240.00", "960.00", "24.00")


def test_student_offer_does_not_apply_on_an_invalid_weekday(customer, facial):
    assignment_create(customer=customer, template=StudentOfferFactory(name="Campus", valid_days="Mon-Fri"))

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)], bill_date=next_weekday(5)))[0]

    assert line["package_applied"] is None
    assert line["package_note"] == '"Campus" is valid on Mon-Fri only, not on a Saturday.'
    assert line["discount"] == "0.00"


def test_discounts_do_not_stack_the_best_single_one_wins(customer, facial, shampoo):
    assignment_create(customer=customer, template=YearlyMembershipFactory(discount_percent=D("15")))
    student = assignment_create(customer=customer, template=StudentOfferFactory(discount_percentage=D("20"), valid_days="Mon-Sun"))

    service_line, product_line = lines_of(
        invoice_preview(customer=customer, items=[service_item(facial), product_item(shampoo)])
    )

    assert service_line["package_applied"]["assignment_id"] == student.pk
    assert service_line["discount"] == "240.00"
    assert product_line["package_applied"] is None
    assert product_line["package_note"] == "No package the customer holds covers this item."


def test_yearly_membership_takes_its_percentage_off_services(customer, massage):
    yearly = assignment_create(customer=customer, template=YearlyMembershipFactory(discount_percent=D("15")))

    line = lines_of(invoice_preview(customer=customer, items=[service_item(massage)]))[0]

    assert line["package_applied"] == {
        "assignment_id": yearly.pk, "name": yearly.package_name, "benefit_type": "discount", "quantity_covered": 1,
    }
    assert line["discount"] == "300.00"


def test_a_free_session_beats_membership_and_discount(customer, facial):
    free = assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    assignment_create(customer=customer, template=MembershipFactory(services_included=[facial]))
    assignment_create(customer=customer, template=YearlyMembershipFactory())

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)]))[0]

    assert line["package_applied"]["assignment_id"] == free.pk


def test_the_cashier_can_choose_another_package_or_none(customer, facial):
    assignment_create(customer=customer, template=ServicePackageFactory(), service=facial)
    yearly = assignment_create(customer=customer, template=YearlyMembershipFactory(discount_percent=D("10")))

    chosen, none = lines_of(
        invoice_preview(
            customer=customer,
            items=[service_item(facial, assignment_id=yearly.pk), service_item(facial, assignment_id=0)],
        )
    )

    assert chosen["package_applied"]["assignment_id"] == yearly.pk
    assert chosen["discount"] == "120.00"
    assert none["package_applied"] is None
    assert none["package_note"] == "No package: the cashier chose none for this line."


def test_choosing_a_package_that_cannot_apply_is_refused_with_the_reason(customer, facial, haircut):
    package = assignment_create(customer=customer, template=ServicePackageFactory(name="Facials"), service=facial)

    with pytest.raises(InvalidCart) as refused:
        invoice_preview(customer=customer, items=[service_item(haircut, assignment_id=package.pk)])

    assert refused.value.errors == {"items": ['Item 1: "Facials – Hydrating Facial" covers Hydrating Facial, not Haircut.']}


def test_prepaid_credit_pays_a_bill_and_then_the_remainder_of_a_bigger_one(customer, cashier, massage, sell):
    prepaid = sell(customer, PrepaidPackageFactory(name="Gold 17,500"))

    first = invoice_create(
        customer=customer, items=[service_item(massage, 2)], cashier=cashier, use_credit=True
    )
    second = invoice_create(
        customer=customer, items=[service_item(massage, 8)], cashier=cashier, use_credit=True,
        payments=[PaymentIn("card", reference="AUTH-1")],
    )

    assert first.computation.as_json()["summary"]["grand_total"] == "4200.00"
    assert (first.invoice.credit_applied.amount, first.invoice.amount_payable.amount) == (D("4200.00"), D("0.00"))
    assert [(p.method, p.amount.amount) for p in first.invoice.payments.all()] == [("prepaid_credit", D("4200.00"))]
    assert second.computation.summary.grand_total == D("16800.00")
    assert (second.invoice.credit_applied.amount, second.invoice.amount_payable.amount) == (D("13300.00"), D("3500.00"))
    assert sorted((p.method, p.amount.amount) for p in second.invoice.payments.all()) == [
        ("card", D("3500.00")), ("prepaid_credit", D("13300.00")),
    ]
    prepaid.refresh_from_db()
    assert (prepaid.credit_remaining.amount, prepaid.credit_used.amount, prepaid.status) == (D("0.00"), D("17500.00"), "completed")
    assert lines_of(second.computation)[0]["package_applied"]["benefit_type"] == "prepaid"


def test_credit_pays_products_too_and_covers_the_round_off(customer, cashier, haircut, cream, sell):
    prepaid = sell(customer, PrepaidPackageFactory())

    result = invoice_create(
        customer=customer, items=[service_item(haircut), product_item(cream)], cashier=cashier, use_credit=True
    )

    summary = result.computation.summary
    assert summary.round_off != 0
    assert summary.credit_applied == summary.grand_total == D("1231.00")
    prepaid.refresh_from_db()
    assert prepaid.credit_remaining.amount == D("17500.00") - D("1231.00")


def test_credit_is_only_spent_when_asked_and_the_line_says_it_could(customer, massage, sell):
    sell(customer, PrepaidPackageFactory(name="Gold"))

    computation = invoice_preview(customer=customer, items=[service_item(massage)])

    assert computation.summary.credit_applied == D("0.00")
    assert lines_of(computation)[0]["package_note"] == '"Gold" credit can pay this line: choose to use credit.'


def test_a_credit_chosen_for_a_line_pays_that_line_only_even_without_use_credit(
    customer, cashier, massage, haircut, sell
):
    # The cashier's choice of a package for a line spends it; use_credit governs the automatic tender only.
    prepaid = sell(customer, PrepaidPackageFactory(name="Gold"))

    result = invoice_create(
        customer=customer,
        items=[service_item(massage, assignment_id=prepaid.pk), service_item(haircut)],
        cashier=cashier,
        use_credit=False,
        payments=[PaymentIn("cash")],
    )

    massage_line, haircut_line = lines_of(result.computation)
    assert massage_line["package_applied"] == {
        "assignment_id": prepaid.pk, "name": "Gold", "benefit_type": "prepaid", "quantity_covered": 0,
    }
    assert haircut_line["package_applied"] is None
    assert haircut_line["package_note"] == '"Gold" credit can pay this line: choose to use credit.'
    assert result.invoice.credit_applied.amount == D(massage_line["total"]) == D("2100.00")
    assert sorted((p.method, p.amount.amount) for p in result.invoice.payments.all()) == [
        ("cash", result.invoice.grand_total.amount - D("2100.00")), ("prepaid_credit", D("2100.00")),
    ]
    prepaid.refresh_from_db()
    assert prepaid.credit_remaining.amount == D("17500.00") - D("2100.00")


def test_use_credit_pays_every_line_but_one_the_cashier_kept_off_packages(customer, massage, haircut, sell):
    sell(customer, PrepaidPackageFactory(name="Gold"))

    computation = invoice_preview(
        customer=customer, items=[service_item(massage), service_item(haircut, assignment_id=0)], use_credit=True
    )

    massage_line, haircut_line = lines_of(computation)
    assert massage_line["package_applied"]["benefit_type"] == "prepaid"
    assert haircut_line["package_applied"] is None
    assert haircut_line["package_note"] == "No package: the cashier chose none for this line."
    # The credit pays everything but the haircut (a general tender takes the round-off too).
    assert computation.summary.amount_payable == D(haircut_line["total"])


def test_kitty_party_credit_is_refused_with_too_few_guests(customer, facial, sell):
    sell(customer, KittyPartyFactory(name="Friday Kitty", min_guests=10, services_included=[facial]))

    computation = invoice_preview(customer=customer, items=[service_item(facial, 6)], use_credit=True, guests=6)

    assert computation.summary.credit_applied == D("0.00")
    assert lines_of(computation)[0]["package_note"] == '"Friday Kitty" needs at least 10 guests; this bill has 6.'


def test_kitty_party_credit_pays_included_services_with_enough_guests(customer, cashier, facial, shampoo, sell):
    kitty = sell(customer, KittyPartyFactory(min_guests=10, services_included=[facial]))

    result = invoice_create(
        customer=customer, items=[service_item(facial, 10), product_item(shampoo)], cashier=cashier,
        use_credit=True, guests=12, payments=[PaymentIn("cash")],
    )

    facial_line, shampoo_line = lines_of(result.computation)
    assert facial_line["package_applied"]["assignment_id"] == kitty.pk
    assert shampoo_line["package_applied"] is None
    assert result.invoice.credit_applied.amount == D("12600.00")
    assert result.invoice.payments.get(method="cash").amount.amount == D("366.00")  # 349 + 5%, rounded
    kitty.refresh_from_db()
    assert kitty.credit_remaining.amount == D("25000.00") - D("12600.00")


def test_choosing_a_kitty_party_with_too_few_guests_is_refused(customer, facial, sell):
    kitty = sell(customer, KittyPartyFactory(min_guests=8, services_included=[facial]))

    with pytest.raises(InvalidCart) as refused:
        invoice_preview(customer=customer, items=[service_item(facial, assignment_id=kitty.pk)], guests=3)

    assert "needs at least 8 guests; this bill has 3" in refused.value.errors["items"][0]


def test_the_bill_discount_is_shared_only_by_what_is_charged(customer, facial, haircut, sell):
    sell(customer, ServicePackageFactory(), facial)

    free, charged = lines_of(
        invoice_preview(customer=customer, items=[service_item(facial), service_item(haircut)], discount=D("99.00"))
    )

    assert (free["discount"], free["total"]) == ("1200.00", "0.00")
    assert (charged["discount"], charged["taxable_value"]) == ("99.00", "400.00")


def test_choosing_a_credit_package_for_a_line_pays_that_line_from_it(customer, cashier, massage, haircut, sell):
    prepaid = sell(customer, PrepaidPackageFactory(name="Gold"))

    result = invoice_create(
        customer=customer, items=[service_item(massage, assignment_id=prepaid.pk), service_item(haircut)],
        cashier=cashier, payments=[PaymentIn("cash")],
    )

    paid, cash = lines_of(result.computation)
    assert paid["package_applied"] == {
        "assignment_id": prepaid.pk, "name": "Gold", "benefit_type": "prepaid", "quantity_covered": 0,
    }
    assert cash["package_applied"] is None
    assert result.invoice.credit_applied.amount == D("2100.00")
    assert result.invoice.payments.get(method="cash").amount.amount == D("524.00")


def test_a_package_assigned_for_a_later_day_does_not_apply_yet(customer, facial):
    later = timezone.localdate() + timedelta(days=3)
    assignment_create(customer=customer, template=ServicePackageFactory(name="Next week"), service=facial, assigned_on=later)

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)]))[0]

    assert line["package_note"] == f'"Next week – Hydrating Facial" starts on {format_date(later)}.'


def test_the_receipt_names_the_sessions_used_by_their_place_in_the_package(customer, cashier, facial):
    """Issue 25 item 6: the third session prints "session 3 of 4", not "1 of 4"; two at once "sessions 3–4"."""
    from billing.services import assignment_sell

    assignment_sell(customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("upi"))
    invoice_create(customer=customer, items=[service_item(facial, 2)], cashier=cashier)

    third = invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)
    assert "Hydrating Facial, session 3 of 4 from" in third.receipt.snapshot["lines"][0]["tax_note"]


def test_two_lines_of_one_package_in_one_bill_count_on(customer, cashier, facial):
    from billing.services import assignment_sell

    assignment_sell(customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("upi"))
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier)

    result = invoice_create(customer=customer, items=[service_item(facial, 2), service_item(facial)], cashier=cashier)
    notes = [line["tax_note"] for line in result.receipt.snapshot["lines"]]
    assert "sessions 2–3 of 4 from" in notes[0]
    assert "session 4 of 4 from" in notes[1]


def test_a_renewal_that_starts_later_is_never_used_before_its_start(customer, cashier, facial):
    """Issue 25 item 9: a renewal sold ahead waits for its first day, chosen or not."""
    from billing.services import assignment_sell

    def sell(**sale):
        return assignment_sell(
            customer=customer, template=ServicePackageFactory(), service=facial, user=cashier, payment=PaymentIn("upi"),
            **sale,
        ).assignment

    current = sell()
    renewal = sell(renews_assignment_id=current.pk)
    assert renewal.assigned_on > current.expires_on
    invoice_create(customer=customer, items=[service_item(facial, 4)], cashier=cashier)  # the current one used up

    line = lines_of(invoice_preview(customer=customer, items=[service_item(facial)]))[0]
    assert line["package_applied"] is None
    with pytest.raises(DomainError, match="starts on"):
        invoice_preview(customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1, assignment_id=renewal.pk)])
    invoice_create(customer=customer, items=[service_item(facial)], cashier=cashier, payments=[PaymentIn("cash")])
    renewal.refresh_from_db()
    assert renewal.remaining_sessions == 4
