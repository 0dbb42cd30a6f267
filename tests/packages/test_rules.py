"""The benefit rule of each kind, on objects in memory (no database)."""
import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from packages.kinds import all_kinds
from packages.rules import BenefitRule, BillContext, Holding, LineRequest, ReasonCode, Terms, rule_for

MONDAY = date(2026, 11, 23)
SATURDAY = MONDAY + timedelta(days=5)
FACIAL, HAIRCUT = 10, 11


def holding(kind, **fields) -> Holding:
    defaults = {
        "assignment_id": 1,
        "package_type": kind,
        "name": kind.replace("_", " ").title(),
        "status": "active",
        "assigned_on": MONDAY - timedelta(days=30),
        "expires_on": MONDAY + timedelta(days=150),
    }
    known = {field.name for field in dataclasses.fields(Holding)}
    terms = Terms({name: value for name, value in fields.items() if name not in known})
    return Holding(**{**defaults, **{name: value for name, value in fields.items() if name in known}}, terms=terms)


def facial(quantity=1, item_type="service", item_id=FACIAL) -> LineRequest:
    return LineRequest(
        position=0, item_type=item_type, item_id=item_id, name="Facial", unit_price=Decimal("1200.00"), quantity=quantity
    )


ON_MONDAY = BillContext(bill_date=MONDAY)


def test_every_package_kind_has_a_rule_in_the_order_of_the_kinds_table():
    kinds = all_kinds()
    assert [kind.package_type for kind in kinds] == [
        "prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"
    ]
    assert all(issubclass(kind.rule, BenefitRule) for kind in kinds)


def test_service_package_covers_only_its_service_and_charges_beyond_the_balance():
    rule = rule_for(holding("service_package", service_id=FACIAL, service_name="Facial", remaining_sessions=2))

    result = rule.apply(facial(quantity=3))

    assert rule.is_eligible(facial(), ON_MONDAY) is None
    assert (result.quantity_covered, result.sessions_used, result.discount) == (2, 2, Decimal("2400.00"))
    wrong = rule.is_eligible(facial(item_id=HAIRCUT), ON_MONDAY)
    assert wrong.code == ReasonCode.WRONG_ITEM
    assert "covers Facial" in wrong.message


def test_a_package_with_nothing_left_expired_or_paused_says_so():
    empty = rule_for(holding("service_package", service_id=FACIAL, remaining_sessions=0))
    expired = rule_for(holding("service_package", service_id=FACIAL, remaining_sessions=3, expires_on=MONDAY - timedelta(days=1)))
    paused = rule_for(holding("service_package", service_id=FACIAL, remaining_sessions=3, status="paused"))

    assert empty.is_eligible(facial(), ON_MONDAY).code == ReasonCode.NONE_LEFT
    assert expired.is_eligible(facial(), ON_MONDAY).code == ReasonCode.EXPIRED
    assert paused.is_eligible(facial(), ON_MONDAY).code == ReasonCode.PAUSED


def test_a_package_still_applies_on_its_last_day():
    rule = rule_for(holding("service_package", service_id=FACIAL, remaining_sessions=1, expires_on=MONDAY))

    assert rule.is_eligible(facial(), ON_MONDAY) is None


def test_membership_frees_included_services_only_and_never_products():
    rule = rule_for(holding("membership", included_service_ids=frozenset({FACIAL})))

    assert rule.apply(facial(quantity=2)).discount == Decimal("2400.00")
    assert rule.is_eligible(facial(item_id=HAIRCUT), ON_MONDAY).code == ReasonCode.WRONG_ITEM
    assert rule.is_eligible(facial(item_type="product"), ON_MONDAY).code == ReasonCode.WRONG_ITEM


def test_student_offer_applies_on_its_weekdays_and_dates_only():
    rule = rule_for(
        holding(
            "student_offer",
            discount_percent=Decimal("20"),
            valid_from=MONDAY - timedelta(days=7),
            valid_to=MONDAY + timedelta(days=60),
            valid_days="Mon-Fri",
        )
    )

    assert rule.is_eligible(facial(), ON_MONDAY) is None
    assert rule.apply(facial()).discount == Decimal("240.00")
    saturday = rule.is_eligible(facial(), BillContext(bill_date=SATURDAY))
    assert saturday.code == ReasonCode.INVALID_DAY
    assert "Saturday" in saturday.message
    late = rule.is_eligible(facial(), BillContext(bill_date=MONDAY + timedelta(days=63)))
    assert late.code in (ReasonCode.INVALID_DAY, ReasonCode.EXPIRED)


def test_the_better_discount_ranks_first_and_free_sessions_rank_above_everything():
    yearly = rule_for(holding("yearly_membership", assignment_id=2, discount_percent=Decimal("15")))
    student = rule_for(holding("student_offer", assignment_id=3, discount_percent=Decimal("20")))
    free = rule_for(holding("service_package", assignment_id=4, service_id=FACIAL, remaining_sessions=1))
    member = rule_for(holding("membership", assignment_id=5, included_service_ids=frozenset({FACIAL})))

    ranked = sorted([yearly, student, member, free], key=lambda rule: rule.rank())

    assert [rule.holding.assignment_id for rule in ranked] == [4, 5, 3, 2]


def test_kitty_party_credit_needs_enough_guests_and_an_included_service():
    rule = rule_for(
        holding("kitty_party", credit_remaining=Decimal("25000"), min_guests=10, included_service_ids=frozenset({FACIAL}))
    )

    few = rule.is_eligible(facial(), BillContext(bill_date=MONDAY, guests=6))
    assert few.code == ReasonCode.TOO_FEW_GUESTS
    assert "at least 10 guests" in few.message
    assert rule.is_eligible(facial(), BillContext(bill_date=MONDAY, guests=10)) is None
    assert rule.is_eligible(facial(item_id=HAIRCUT), BillContext(bill_date=MONDAY, guests=12)).code == ReasonCode.WRONG_ITEM
    assert rule.is_tender


def test_prepaid_credit_is_a_tender_for_anything_until_it_runs_out():
    rule = rule_for(holding("prepaid", credit_remaining=Decimal("10.00")))
    spent = rule_for(holding("prepaid", credit_remaining=Decimal("0.00")))

    assert rule.is_tender
    assert rule.is_eligible(facial(item_type="product"), ON_MONDAY) is None
    assert spent.is_eligible(facial(), ON_MONDAY).code == ReasonCode.NONE_LEFT
