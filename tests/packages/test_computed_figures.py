"""A template's computed figures are the database's (GeneratedField): stored by it, equal to `percent()`.

Each case is saved, read back from the database and compared with the Python figure the
forms preview; the half-up boundaries (0.125 % -> 0.13, 12.5 %) tell integer arithmetic from
float or banker's rounding, on PostgreSQL and on SQLite alike.
"""
from decimal import Decimal

import pytest

from packages.models import KittyParty, PrepaidPackage, ServicePackage, percent
from tests.factories import KittyPartyFactory, PrepaidPackageFactory, ServicePackageFactory, inr

pytestmark = pytest.mark.django_db

SESSIONS = [(3, 4), (2, 3), (1, 2), (8, 9), (1, 10), (7, 8), (3, 10), (9999, 10000), (1, 100)]
CREDIT = [
    ("15000", "17500"), ("8", "9"), ("8.00", "8.01"), ("1499.50", "1799.40"), ("3", "3"),
    ("0.03", "0.04"), ("99999999.99", "100000000.00"), ("7", "8"), ("12345.67", "23456.78"),
]


@pytest.mark.parametrize(("pay_for", "total"), SESSIONS)
def test_the_database_counts_the_free_sessions_and_their_percent(pay_for, total):
    package = ServicePackageFactory(pay_for=pay_for, total_services=total)

    stored = ServicePackage.objects.values("free_sessions", "benefit_percent").get(pk=package.pk)

    assert stored == {"free_sessions": total - pay_for, "benefit_percent": percent(total - pay_for, pay_for)}
    assert (package.free_sessions, package.benefit_percent) == tuple(stored.values())  # the insert returned them


@pytest.mark.parametrize(("price", "value"), CREDIT)
@pytest.mark.parametrize(
    ("factory", "price_field"), [(PrepaidPackageFactory, "actual_price"), (KittyPartyFactory, "price")],
    ids=["prepaid", "kitty_party"],
)
def test_the_database_works_out_the_benefit_of_a_credit_half_up(factory, price_field, price, value):
    template = factory(**{price_field: inr(price), "after_value": inr(value)})

    stored = type(template).objects.values_list("benefit_percent", flat=True).get(pk=template.pk)

    assert stored == percent(Decimal(value) - Decimal(price), Decimal(price))
    assert template.benefit_percent == stored


def test_the_figures_follow_an_update_the_model_never_sees():
    package = ServicePackageFactory(pay_for=3, total_services=4)
    prepaid = PrepaidPackageFactory(actual_price=inr("15000"), after_value=inr("17500"))

    ServicePackage.objects.filter(pk=package.pk).update(total_services=6)
    PrepaidPackage.objects.filter(pk=prepaid.pk).update(after_value=inr("18000"))

    package.refresh_from_db()
    assert (package.free_sessions, package.benefit_percent) == (3, Decimal("100.00"))
    assert PrepaidPackage.objects.get(pk=prepaid.pk).benefit_percent == Decimal("20.00")


def test_a_saved_change_shows_the_new_figures_without_reading_the_template_again(django_assert_num_queries):
    kitty = KittyPartyFactory(price=inr("20000"), after_value=inr("25000"))
    kitty.after_value = inr("30000")

    with django_assert_num_queries(1):  # the UPDATE alone
        kitty.save()

    assert kitty.benefit_percent == Decimal("50.00")
    assert KittyParty.objects.get(pk=kitty.pk).benefit_percent == Decimal("50.00")
