"""Data on request, plugged into the customers admin (customers/admin.py): export, and erasure after a confirmation.

The pages live here, above billing and notifications, because an export reads invoices, payments
and messages; the customer's admin page itself is the customers app's, with its "Data on request"
section and its routes (`<id>/export/`, `<id>/erase/`).
"""
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from customers.models import Customer, DataRequest

from . import data


def _page(model_admin, request, customer, *, action: str):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": customer,
        "customer": customer,
        "action": action,
        "reference": data.reference_of(customer),
        "requests": DataRequest.objects.filter(customer=customer).select_related("done_by")[:20],
        "title": "Export the customer's data" if action == "export" else "Erase the customer's personal data",
    }
    return TemplateResponse(request, "admin/customers/data_request.html", context)


def export_page(model_admin, request, customer: Customer):
    """GET: what the file holds; POST: the zip (profile, packages, invoices, documents, payments, messages)."""
    if request.method != "POST":
        return _page(model_admin, request, customer, action="export")
    content = data.customer_export(customer, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{data.reference_of(customer)}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def erase_page(model_admin, request, customer: Customer):
    """GET: the confirmation page (what goes, what stays); POST with the typed reference: erase."""
    if request.method != "POST":
        return _page(model_admin, request, customer, action="erase")
    if request.POST.get("confirm") != data.reference_of(customer):
        messages.error(request, "Type the customer's reference to confirm the erasure.")
        return _page(model_admin, request, customer, action="erase")
    erased = data.customer_erase(customer, user=request.user)
    messages.success(request, f"The customer's personal data is erased; the tax records stay under {erased.reference}.")
    return redirect(reverse("admin:customers_customer_change", args=[customer.pk]))


admin.site.get_model_admin(Customer).plug_data_requests(export=export_page, erase=erase_page)
