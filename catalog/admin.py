"""The service and product catalogue as a manager keeps it: prices, GST rates, SAC/HSN codes."""
from django.contrib import admin

from .models import Product, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "price", "gst_rate", "sac_code", "duration_minutes", "is_active")
    list_display_links = ("name",)
    list_editable = ("is_active",)
    list_filter = ("is_active", "category", "gst_rate")
    search_fields = ("name", "category", "sac_code")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "category", "duration_minutes", "is_active")}),
        ("Price and tax", {"fields": ("price", "gst_rate", "sac_code")}),
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "sku", "price", "gst_rate", "hsn_code", "stock_quantity", "is_active")
    list_editable = ("is_active",)
    list_filter = ("is_active", "gst_rate")
    search_fields = ("name", "sku", "hsn_code")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "sku", "stock_quantity", "is_active")}),
        ("Price and tax", {"fields": ("price", "gst_rate", "hsn_code")}),
    )
