"""The eighth kind's template: a price, a percentage off products, a validity."""
from django.db import models

from packages.models import (
    DISCOUNT_VALIDATORS,
    PRICE_POSITIVE,
    PackageTemplate,
    check,
    money_field,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)


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
