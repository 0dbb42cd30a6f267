"""Services and products the spa sells, each with its own GST rate and SAC/HSN code."""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from djmoney.models.validators import MinMoneyValidator

from core.fields import money_field

GST_RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("28"))]


class Service(models.Model):
    """A treatment performed in the salon (taxed under SAC 9997xx)."""

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=60, blank=True)
    price = money_field(validators=[MinMoneyValidator(0)])
    gst_rate = models.DecimalField(
        "GST rate %", max_digits=5, decimal_places=2, default=Decimal("5.00"), validators=GST_RATE_VALIDATORS
    )
    sac_code = models.CharField(
        "SAC code", max_length=8, default="999722", validators=[RegexValidator(r"^\d{4,8}$", "Digits only.")]
    )
    duration_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="service_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(gst_rate__gte=0, gst_rate__lte=28), name="service_gst_rate_range"
            ),
        ]

    def __str__(self):
        return self.name


class Product(models.Model):
    """Goods sold over the counter (taxed under their HSN code)."""

    name = models.CharField(max_length=120)
    sku = models.CharField("SKU", max_length=40, unique=True)
    price = money_field(validators=[MinMoneyValidator(0)])
    gst_rate = models.DecimalField(
        "GST rate %", max_digits=5, decimal_places=2, default=Decimal("18.00"), validators=GST_RATE_VALIDATORS
    )
    hsn_code = models.CharField(
        "HSN code", max_length=8, default="3304", validators=[RegexValidator(r"^\d{4,8}$", "Digits only.")]
    )
    stock_quantity = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(gst_rate__gte=0, gst_rate__lte=28), name="product_gst_rate_range"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.sku})"
