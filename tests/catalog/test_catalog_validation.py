"""Services and products: prices, GST rates and SAC/HSN codes are checked in the model and the database."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Product, Service
from tests.factories import ProductFactory, ServiceFactory, inr

pytestmark = pytest.mark.django_db


def test_a_service_with_todays_salon_rate_and_sac_code_is_valid():
    service = Service(name="Haircut", price=inr("499.00"), gst_rate=Decimal("5.00"), sac_code="999721")

    service.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", inr("-1.00")), ("gst_rate", Decimal("28.01")), ("gst_rate", Decimal("-5")), ("sac_code", "99-97")],
)
def test_service_full_clean_refuses_a_bad_price_rate_or_code(field, value):
    service = Service(name="Facial", price=inr("1200.00"))
    setattr(service, field, value)

    with pytest.raises(ValidationError) as excinfo:
        service.full_clean()

    assert field in excinfo.value.message_dict


def test_the_database_refuses_a_negative_service_price_even_without_full_clean():
    service = ServiceFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(price=Decimal("-1.00"))


def test_the_database_refuses_a_product_gst_rate_above_28_percent():
    product = ProductFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(gst_rate=Decimal("40.00"))


def test_two_products_cannot_share_a_sku():
    ProductFactory(sku="SHMP-200")

    with pytest.raises(ValidationError) as excinfo:
        Product(name="Other shampoo", sku="SHMP-200", price=inr("10.00")).full_clean()

    assert "sku" in excinfo.value.message_dict


def test_product_full_clean_refuses_an_hsn_code_with_letters():
    product = Product(name="Cream", sku="CRM-1", price=inr("599.00"), hsn_code="33A4")

    with pytest.raises(ValidationError) as excinfo:
        product.full_clean()

    assert "hsn_code" in excinfo.value.message_dict
