"""Yearly membership: a percentage off services for the year, plus recorded extra benefits."""
from django.db import models

from core.fields import money_field

from ..models import (
    DISCOUNT_RANGE,
    DISCOUNT_VALIDATORS,
    PRICE_POSITIVE,
    BenefitType,
    PackageTemplate,
    check,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from ..rules import PercentDiscountRule
from ..valuation_sql import time_value_sql
from . import register
from .base import Kind, TemplateSummary, format_inr, percent_text, rupees, value_by_time


def discount_terms(trackers) -> dict:
    """Return the discount a percentage kind's tracker carries, as `Holding` terms."""
    discount = next((t.discount_percent for t in trackers if t.benefit_type == BenefitType.DISCOUNT), 0)
    return {"discount_percent": discount}



class YearlyMembership(PackageTemplate):
    """A percentage off services for the year, plus recorded extra benefits."""

    package_type = "yearly_membership"

    price = money_field()
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=DISCOUNT_VALIDATORS)
    validity_months = validity_months_field(default=12)
    validity_days = validity_days_field()
    extra_benefits = models.TextField(blank=True, help_text="e.g. a free birthday session.")

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("price", models.Q(price__gt=0), "yearly_price_positive", PRICE_POSITIVE),
            check(
                "discount_percent",
                models.Q(discount_percent__gt=0, discount_percent__lte=100),
                "yearly_discount_range",
                DISCOUNT_RANGE,
            ),
            *validity_constraints("yearly"),
        ]


class YearlyMembershipKind(Kind):
    package_type = "yearly_membership"
    label = "Yearly membership"
    description = "A percentage off services for a year; extra benefits (a birthday session) are recorded."
    model = YearlyMembership
    rule = PercentDiscountRule
    api_segment = "yearly-memberships"
    fields = ("price", "discount_percent", "validity_months", "validity_days", "extra_benefits")
    balance_label = "Discount on services"

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(
                assignment, service=None, benefit_type=BenefitType.DISCOUNT, discount_percent=template.discount_percent
            )
        ]

    def holding_terms(self, assignment, trackers, extra):
        return discount_terms(trackers)

    value_left = staticmethod(value_by_time)
    value_left_sql = staticmethod(time_value_sql)

    def describe(self, template):
        return f"{rupees(template.price)}, {percent_text(template.discount_percent)}% off for {template.validity_text}"

    def summary(self, template):
        extra = f"; {template.extra_benefits}" if template.extra_benefits else ""
        return TemplateSummary(
            price=format_inr(template.price),
            value=f"{template.discount_percent}% off services{extra}",
            benefit_percent=template.discount_percent,
        )


KIND = register(YearlyMembershipKind())
