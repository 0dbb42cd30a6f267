"""The eighth kind: its rule and its `Kind`, registered by the tests that use it."""
from packages.kinds.base import Kind, TemplateSummary, format_inr, percent_text, rupees, value_by_time
from packages.models import BenefitType
from packages.rules import PercentDiscountRule, Reason, ReasonCode

from .models import ProductCard


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
