"""A seventh package kind, installed only in tests: proof that a kind is one module plus its migration.

`ProductCard` (a percentage off products, which no built-in kind gives) has here its template
model, its benefit rule, its valuation and its texts; its admin and its API endpoint are
generated from the kind, and the kind-agnostic template permissions cover it. Nothing outside
this folder names it; tests/kinds/test_seventh_kind.py registers it for the tests that use it
(a shop's app would write `KIND = register(ProductCardKind())`).
"""
from django.db import models

from packages.kinds.base import Kind, TemplateSummary, format_inr, percent_text, rupees, value_by_time
from packages.models import (
    DISCOUNT_VALIDATORS,
    PRICE_POSITIVE,
    BenefitType,
    PackageTemplate,
    check,
    money_field,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from packages.rules import PercentDiscountRule, Reason, ReasonCode


class ProductCard(PackageTemplate):
    """Pay a price, get a percentage off every product for the validity."""

    package_type = "product_card"

    price = money_field()
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=DISCOUNT_VALIDATORS)
    validity_months = validity_months_field(default=12)
    validity_days = validity_days_field()

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("price", models.Q(price__gt=0), "productcard_price_positive", PRICE_POSITIVE),
            *validity_constraints("productcard"),
        ]


class ProductDiscountRule(PercentDiscountRule):
    """A percentage off products (the built-in discounts are on services)."""

    def covers(self, line, context):
        if line.is_service:
            return Reason(ReasonCode.WRONG_ITEM, f"{self.quoted_name} gives a discount on products only.")
        return None


class ProductCardKind(Kind):
    package_type = "product_card"
    label = "Product card"
    description = "A percentage off every product for a year."
    model = ProductCard
    rule = ProductDiscountRule
    api_segment = "product-cards"
    fields = ("price", "discount_percent", "validity_months", "validity_days")
    help_texts = {"discount_percent": "The percentage off every product."}
    balance_label = "Discount on products"

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(
                assignment, service=None, benefit_type=BenefitType.DISCOUNT, discount_percent=template.discount_percent
            )
        ]

    def holding_terms(self, assignment, trackers, extra):
        discount = next((t.discount_percent for t in trackers if t.benefit_type == BenefitType.DISCOUNT), 0)
        return {"discount_percent": discount}

    value_left = staticmethod(value_by_time)

    def describe(self, template):
        return f"{rupees(template.price)}, {percent_text(template.discount_percent)}% off products"

    def summary(self, template):
        return TemplateSummary(
            price=format_inr(template.price),
            value=f"{template.discount_percent}% off products",
            benefit_percent=template.discount_percent,
        )


KIND = ProductCardKind()
