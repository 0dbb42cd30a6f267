"""The kind registry: one kind per package_type, in the order of docs/design.md's kinds table."""
import pytest

from packages.kinds import UnknownKind, all_kinds, find_kind, kind_for
from packages.models import PrepaidPackage
from tests.factories import KittyPartyFactory, ServicePackageFactory


def test_all_kinds_follow_the_kinds_table():
    assert [kind.package_type for kind in all_kinds()] == [
        "prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"
    ]


def test_a_kind_points_at_its_model_and_the_model_back_at_its_kind(db):
    assert kind_for("prepaid").model is PrepaidPackage
    assert ServicePackageFactory().kind is kind_for("service_package")


def test_an_unknown_kind_is_refused_or_none():
    with pytest.raises(UnknownKind):
        kind_for("gift_card")
    assert find_kind("gift_card") is None
    assert find_kind(None) is None


def test_credit_kinds_are_tenders_not_taxed_at_sale_and_the_rest_are_taxed():
    assert {kind.package_type for kind in all_kinds() if not kind.taxed_at_sale} == {"prepaid", "kitty_party"}
    assert all(kind.is_credit == kind.rule.is_tender for kind in all_kinds())
    assert [kind.package_type for kind in all_kinds() if kind.has_sessions] == ["service_package"]


def test_each_kind_describes_its_template_in_its_own_words(db):
    kitty = KittyPartyFactory()

    assert kitty.kind.describe(kitty) == "pay ₹20,000, get ₹25,000 for 10+ guests"
    assert kitty.kind.summary(kitty).benefit_percent == 25
