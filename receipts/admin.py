"""Receipts in admin: read-only, with links to the printable page and the PDF."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.money import format_inr

from .models import Receipt


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "customer", "amount_inr", "issued_at", "document_links")
    list_filter = ("kind", "issued_at")
    search_fields = ("number", "customer__name", "customer__phone")
    list_select_related = ("customer",)
    date_hierarchy = "issued_at"
    fields = ("number", "kind", "customer", "amount", "issued_at", "created_by", "document_links")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount", ordering="amount")
    def amount_inr(self, obj):
        return format_inr(obj.amount)

    @admin.display(description="Document")
    def document_links(self, obj):
        return format_html(
            '<a href="{}">View</a> · <a href="{}">PDF</a> · <a href="{}?format=thermal">80 mm</a>',
            reverse("receipt-detail", args=[obj.pk]),
            reverse("receipt-download", args=[obj.pk]),
            reverse("receipt-detail", args=[obj.pk]),
        )
