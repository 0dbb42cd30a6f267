"""Prepaid credit: pay `actual_price`, get `after_value` of credit usable on anything."""
from decimal import Decimal

from django.db import models

from core.fields import money_field

from ..models import (
    PRICE_POSITIVE,
    BenefitType,
    PackageTemplate,
    benefit_percent_field,
    check,
    percent,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from ..rules import CreditRule
from ..valuation_sql import credit_value_sql
from . import register
from .base import Kind, TemplateSummary, format_inr, rupees, value_by_credit


class PrepaidPackage(PackageTemplate):
    """Pay `actual_price`, get `after_value` of credit usable on anything."""

    package_type = "prepaid"

    actual_price = money_field("price paid")
    after_value = money_field("credit value")
    benefit_percent = benefit_percent_field("after_value", "actual_price")
    validity_months = validity_months_field(default=12)
    validity_days = validity_days_field()

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("actual_price", models.Q(actual_price__gt=0), "prepaid_price_positive", PRICE_POSITIVE),
            check(
                "after_value",
                models.Q(after_value__gte=models.F("actual_price")),
                "prepaid_value_not_below_price",
                "The credit value cannot be below the price paid.",
            ),
            *validity_constraints("prepaid"),
        ]


class CreditKind(Kind):
    """What prepaid and kitty-party credit share: a credit tracker, valued by the credit left."""

    is_credit = True
    taxed_at_sale = False
    reminder_action = "Top up"
    computed_fields = ("benefit_percent",)

    def compute(self, template):
        price, value = getattr(template, self.price_field), template.after_value
        if price is not None and value is not None:
            template.benefit_percent = percent(value.amount - price.amount, price.amount)

    def credit_granted(self, template) -> Decimal:
        return template.after_value.amount

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(
                assignment,
                service=None,
                benefit_type=BenefitType.PREPAID,
                balance_total=assignment.credit_amount,
                balance_used=assignment.credit_used,
                balance_remaining=assignment.credit_remaining,
            )
        ]

    value_left = staticmethod(value_by_credit)
    value_left_sql = staticmethod(credit_value_sql)


class Prepaid(CreditKind):
    package_type = "prepaid"
    label = "Prepaid credit"
    description = "Pay a price, get a larger credit that pays any bill until it runs out."
    model = PrepaidPackage
    rule = CreditRule
    api_segment = "prepaid-packages"
    fields = ("actual_price", "after_value", "benefit_percent", "validity_months", "validity_days")
    help_texts = {"actual_price": "What the customer pays.", "after_value": "The credit the customer gets."}
    compute_inputs = ("actual_price", "after_value")
    price_field = "actual_price"

    def describe(self, template):
        return f"pay {rupees(template.actual_price)}, get {rupees(template.after_value)} credit"

    def summary(self, template):
        return TemplateSummary(
            price=format_inr(template.actual_price),
            value=f"{format_inr(template.after_value)} credit",
            benefit_percent=template.benefit_percent,
        )


KIND = register(Prepaid())
