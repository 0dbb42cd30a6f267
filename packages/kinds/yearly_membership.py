"""Yearly membership: a percentage off services for the year, plus recorded extra benefits."""
from ..models import BenefitType, PackageType, YearlyMembership
from ..rules import PercentDiscountRule
from ..valuation_sql import time_value_sql
from .base import Kind, TemplateSummary, format_inr, percent_text, rupees, value_by_time


def discount_terms(trackers) -> dict:
    """Return the discount a percentage kind's tracker carries, as `Holding` terms."""
    discount = next((t.discount_percent for t in trackers if t.benefit_type == BenefitType.DISCOUNT), 0)
    return {"discount_percent": discount}


class YearlyMembershipKind(Kind):
    package_type = PackageType.YEARLY_MEMBERSHIP.value
    label = PackageType.YEARLY_MEMBERSHIP.label
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


KIND = YearlyMembershipKind()
