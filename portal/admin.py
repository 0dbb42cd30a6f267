"""Data on request in the customers admin: export a customer's data, erase it after a confirmation page.

The pages live here, above billing and notifications, because an export reads invoices, payments
and messages; the customers admin itself stays where it is (customers/admin.py) and gains a
"Data on request" section with the two links.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from customers.admin import CustomerAdmin
from customers.models import Customer, DataRequest

from . import data

EXPORT = "customers.export_customer"
ERASE = "customers.erase_customer"


class CustomerDataAdmin(CustomerAdmin):
    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and (request.user.has_perm(EXPORT) or request.user.has_perm(ERASE)):
            fieldsets.append(("Data on request", {"fields": ("data_on_request",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "data_on_request")

    @admin.display(description="Export or erase")
    def data_on_request(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        info = self.opts.app_label, self.opts.model_name
        export = reverse(f"admin:{info[0]}_{info[1]}_export", args=[obj.pk])
        erase = reverse(f"admin:{info[0]}_{info[1]}_erase", args=[obj.pk])
        return format_html(
            '<a href="{}" data-testid="export-data">Export the customer\'s data</a> · '
            '<a href="{}" data-testid="erase-data">Erase the customer\'s personal data…</a>',
            export,
            erase,
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/export/", wrap(self.export_view), name=f"{info[0]}_{info[1]}_export"),
            path("<int:object_id>/erase/", wrap(self.erase_view), name=f"{info[0]}_{info[1]}_erase"),
            *super().get_urls(),
        ]

    def _page(self, request, customer, *, action: str, permission: str):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": customer,
            "customer": customer,
            "action": action,
            "reference": data.reference_of(customer),
            "requests": DataRequest.objects.filter(customer=customer).select_related("done_by")[:20],
            "title": "Export the customer's data" if action == "export" else "Erase the customer's personal data",
        }
        return TemplateResponse(request, "admin/customers/data_request.html", context)

    def export_view(self, request, object_id: int):
        """GET: what the file holds; POST: the zip (profile, packages, invoices, documents, payments, messages)."""
        customer = get_object_or_404(Customer, pk=object_id)
        if request.method != "POST" or not request.user.has_perm(EXPORT):
            return self._page(request, customer, action="export", permission=EXPORT)
        content = data.customer_export(customer, user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="customer-{data.reference_of(customer)}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response

    def erase_view(self, request, object_id: int):
        """GET: the confirmation page (what goes, what stays); POST with the confirmation: erase."""
        customer = get_object_or_404(Customer, pk=object_id)
        if request.method != "POST" or not request.user.has_perm(ERASE):
            return self._page(request, customer, action="erase", permission=ERASE)
        if request.POST.get("confirm") != data.reference_of(customer):
            messages.error(request, "Type the customer's reference to confirm the erasure.")
            return self._page(request, customer, action="erase", permission=ERASE)
        erased = data.customer_erase(customer, user=request.user)
        messages.success(
            request, f"The customer's personal data is erased; the tax records stay under {erased.reference}."
        )
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[customer.pk]))


admin.site.unregister(Customer)
admin.site.register(Customer, CustomerDataAdmin)


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """The log of exports and erasures: read only."""

    list_display = ("done_at", "kind", "reference", "done_by")
    list_filter = ("kind",)
    search_fields = ("reference",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
