"""Membership: the included services are free and unlimited while it is active."""
from ..models import BenefitType, Membership, PackageType
from ..rules import MembershipRule
from ..valuation_sql import time_value_sql
from .base import Kind, TemplateSummary, format_inr, included_names, no_service_refusal, rupees, value_by_time


class MembershipKind(Kind):
    package_type = PackageType.MEMBERSHIP.value
    label = PackageType.MEMBERSHIP.label
    description = "A price for a period; the included services are free, as often as the member likes."
    model = Membership
    rule = MembershipRule
    api_segment = "memberships"
    fields = ("price", "validity_months", "validity_days", "services_included")
    balance_label = "Unlimited (included services)"

    def sale_refusal(self, template, today):
        return no_service_refusal(template)

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(assignment, service=service, benefit_type=BenefitType.UNLIMITED)
            for service in template.services_included.all()
        ]

    def holding_terms(self, assignment, trackers, extra):
        return {
            "included_service_ids": frozenset(
                tracker.service_id
                for tracker in trackers
                if tracker.benefit_type == BenefitType.UNLIMITED and tracker.service_id is not None
            )
        }

    value_left = staticmethod(value_by_time)
    value_left_sql = staticmethod(time_value_sql)

    def describe(self, template):
        return f"{rupees(template.price)} for {template.validity_text}"

    def summary(self, template):
        return TemplateSummary(
            price=format_inr(template.price),
            value=f"Unlimited: {included_names(template) or 'no services yet'}",
            benefit_percent=None,
        )


KIND = MembershipKind()
