"""Read-only REST resources for the catalog: /api/services and /api/products.

Managers keep the catalog in Django admin; integrators read it to build carts.
"""
import django_filters
from django.db.models import Q
from rest_framework import serializers, viewsets

from core.api import MoneyAmountField
from core.permissions import ModelPermissions

from .models import Product, Service


class ServiceSerializer(serializers.ModelSerializer):
    price = MoneyAmountField(read_only=True)

    class Meta:
        model = Service
        fields = ["id", "name", "category", "price", "gst_rate", "sac_code", "duration_minutes", "is_active"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    price = MoneyAmountField(read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "sku", "price", "gst_rate", "hsn_code", "stock_quantity", "is_active"]
        read_only_fields = fields


class ServiceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")

    class Meta:
        model = Service
        fields = ["is_active", "category", "search"]


class ProductFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name or SKU contains")

    class Meta:
        model = Product
        fields = ["is_active", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(sku__icontains=value))


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The services the spa performs, with their price, GST rate and SAC code."""

    queryset = Service.objects.order_by("name", "pk")
    serializer_class = ServiceSerializer
    permission_classes = [ModelPermissions]
    filterset_class = ServiceFilter
    lookup_value_regex = r"\d+"


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The products sold over the counter, with their price, GST rate, HSN code and stock."""

    queryset = Product.objects.order_by("name", "pk")
    serializer_class = ProductSerializer
    permission_classes = [ModelPermissions]
    filterset_class = ProductFilter
    lookup_value_regex = r"\d+"
