"""Membership: the included services are free and unlimited while it is active."""
from django.db import models

from catalog.models import Service
from core.fields import money_field

from ..models import (
    PRICE_POSITIVE,
    BenefitType,
    PackageTemplate,
    check,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from ..rules import BenefitRule, Reason, ReasonCode
from ..valuation_sql import time_value_sql
from . import register
from .base import Kind, TemplateSummary, format_inr, included_names, no_service_refusal, rupees, value_by_time


class Membership(PackageTemplate):
    """Included services are free, unlimited, while the membership is active."""

    package_type = "membership"

    price = money_field()
    validity_months = validity_months_field(default=12)
    validity_days = validity_days_field()
    services_included = models.ManyToManyField(Service, related_name="memberships")

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("price", models.Q(price__gt=0), "membership_price_positive", PRICE_POSITIVE),
            *validity_constraints("membership"),
        ]


class MembershipRule(BenefitRule):
    """Included services are free and unlimited while the membership is active."""

    benefit_type = BenefitType.UNLIMITED.value
    priority = 1

    def covers(self, line, context):
        if not line.is_service or line.item_id not in self.term("included_service_ids", frozenset()):
            return Reason(ReasonCode.WRONG_ITEM, f"{self.quoted_name} does not include {line.name}.")
        return None

    def apply(self, line):
        return self._result(quantity_covered=line.quantity, discount=line.gross)


class MembershipKind(Kind):
    package_type = "membership"
    label = "Membership"
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


KIND = register(MembershipKind())
