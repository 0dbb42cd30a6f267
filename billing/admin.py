"""Billing in admin: selling a package ("Assign & collect payment", plugged into the
assignment admin of packages), and invoices that are read-only but for a void.

Invoices change only through services (a void is a service, with its credit note), so they
are shown, never edited, here.
"""
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from branches.selectors import page_branch
from core.admin_history import log_operation
from core.exceptions import DomainError
from core.formats import format_date
from core.money import format_inr
from core.payments import PaymentMethod, method_words, money_back_text
from core.permissions import user_may
from packages.admin import ReadOnlyAdminMixin, ReadOnlyInline
from packages.aftersale_pages import OperationPage, balance_text, change_link, package_figures
from packages.forms import new_sale_key
from packages.models import PackageAssignment
from packages.services.assign import renewal_start

from .forms import PackageSellForm, RefundForm, TopUpForm
from .models import Invoice, InvoiceKind, InvoiceLine, NumberSequence, Payment
from .selectors import invoice_money_back, invoice_money_to_return
from .services import assignment_refund, assignment_refund_quote, assignment_sell, assignment_top_up, invoice_void

admin.site.site_header = f"{settings.SPA_NAME} · administration"
admin.site.site_title = settings.SPA_NAME
admin.site.index_title = "Catalogue, packages and billing"

ASSIGN_TITLE = "Assign & collect payment"
SALE_FIELDSETS = [
    ("Customer and package", {"fields": ["customer", "template", "service"]}),
    ("Price", {"fields": [("price_paid", "discount"), "expires_on", "notes"]}),
    ("Payment", {"fields": ["payment_method", ("payment_amount", "payment_reference")]}),
    # GST Rule 46: a large tax invoice to a customer without a GSTIN carries the address and state.
    ("Customer's address (large invoices)", {"fields": ["customer_address", "customer_state_code"]}),
]


def receipt_links(receipt) -> str:
    if receipt is None:
        return "-"
    return format_html(
        '<a href="{}">{}</a> (<a href="{}">PDF</a>)',
        reverse("receipt-detail", args=[receipt.pk]),
        receipt.number,
        reverse("receipt-download", args=[receipt.pk]),
    )


def package_sale_view(model_admin, request):
    """Sell a package in the assignment admin: customer and template, the payment, then the receipt.

    The assignment admin (packages.admin) checks the permission before it calls this.
    """
    initial = {name: request.GET[name] for name in ("customer", "template", "service", "renews") if request.GET.get(name)}
    initial["idempotency_key"] = new_sale_key()  # made when the form opens; a second press reuses it
    form = PackageSellForm(request.POST or None, initial=initial, admin_site=model_admin.admin_site)
    renewing = renewal_note(request.POST.get("renews") or initial.get("renews"))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the sale and its History rows, or neither
                # Sold where the seller works (their picked branch), so a template's branches hold here too.
                result = assignment_sell(**form.sale_arguments(), user=request.user, branch=page_branch(request))
                if result.created:  # a form sent twice answers the first sale, already in the History
                    log_sale(request.user, result)
        except DomainError as error:
            form.add_domain_error(error)
            model_admin.message_user(request, error.message, messages.ERROR)
        else:
            assignment = result.assignment
            change_url = reverse("admin:packages_packageassignment_change", args=[assignment.pk])
            model_admin.message_user(
                request,
                format_html(
                    '{}{} sold to {}. <a href="{}">Open the package</a>.',
                    "" if result.created else "This sale was already made (the form was sent twice); nothing more was sold. ",
                    assignment.package_name,
                    assignment.customer.name,
                    change_url,
                ),
                messages.SUCCESS,
            )
            if result.receipt is not None:
                return HttpResponseRedirect(result.receipt.get_absolute_url())
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Renew {renewing[0].package_name}" if renewing else ASSIGN_TITLE,
        "renewing": renewing[1] if renewing else None,
        "subtitle": None,
        "opts": model_admin.opts,
        "adminform": helpers.AdminForm(form, SALE_FIELDSETS, prepopulated_fields={}),
        "media": model_admin.media + form.media,
        "has_view_permission": model_admin.has_view_permission(request),
        "service_package_prefix": "service_package:",
    }
    return TemplateResponse(request, "admin/packages/packageassignment/assign.html", context)


def log_sale(user, sale) -> None:
    """Write the History of a sale: the new package "added", with what was paid; a renewed one says it was renewed."""
    assignment = sale.assignment
    paid = (
        f"{format_inr(sale.payment.amount)} paid by {method_words(sale.payment.method)}" if sale.payment else "nothing paid"
    )
    documents = f"; receipt {sale.receipt.number}" if sale.receipt else ""
    renewal = f", renewing {assignment.renews.package_name}" if assignment.renews_id else ""
    log_operation(user, [assignment], f"Sold{renewal}: {paid}{documents}", added=True)
    if assignment.renews_id:
        log_operation(user, [assignment.renews], f"Renewed: the new package starts on {format_date(assignment.assigned_on)}")


def renewal_note(renews_id) -> tuple[PackageAssignment, str] | None:
    """Return the package a sale renews and what the page says about it, or None."""
    renews = PackageAssignment.objects.select_related("customer").filter(pk=renews_id).first() if str(renews_id or "").isdecimal() else None
    if renews is None:
        return None
    try:
        start = renewal_start(renews, customer=renews.customer, today=timezone.localdate())
    except DomainError as error:
        return renews, error.message
    return renews, (
        f"Renews {renews.package_name} of {renews.customer.name} (expires {format_date(renews.expires_on)}): "
        f"the new period starts on {format_date(start)}."
    )


def package_documents(assignment) -> str:
    """List the payments taken for a package, each with its receipt."""
    payments = assignment.payments.select_related("receipt").order_by("pk")
    rows = [(payment.get_method_display(), format_inr(payment.amount), receipt_links(payment.receipt)) for payment in payments]
    if not rows:
        return "No payment recorded."
    return format_html_join(mark_safe("<br>"), "{}: {} – {}", rows)


def document_links(document) -> str:
    """Name a credit note, refund voucher or receipt with links to it (HTML and PDF)."""
    return format_html(
        '{} <a href="{}">{}</a> (<a href="{}">PDF</a>)',
        document.get_kind_display().lower(),
        reverse("receipt-detail", args=[document.pk]),
        document.number,
        reverse("receipt-download", args=[document.pk]),
    )


def refund_figures(assignment) -> list[tuple[str, str]]:
    """What refunding today pays back, from the quote `assignment_refund` refunds: value left, GST, total, document."""
    quote = assignment_refund_quote(assignment)
    rows = [*package_figures(assignment), ("Value left today", format_inr(quote.value_left))]
    if quote.tax is not None:
        split = (
            f"IGST {format_inr(quote.tax.igst)}" if quote.tax.igst
            else f"CGST {format_inr(quote.tax.cgst)} + SGST {format_inr(quote.tax.sgst)}"
        )
        rows.append((f"GST on it ({quote.gst_rate.normalize():f}%)", f"{format_inr(quote.gst)} ({split})"))
    else:
        rows.append(("GST on it", format_inr(quote.gst)))
    if quote.round_off:
        rows.append(("Round off", format_inr(quote.round_off)))
    rows.append(("Refundable", format_inr(quote.refundable)))
    if quote.refundable:  # money going out is said as such, before it goes
        rows.append(("Money back", f"Return {format_inr(quote.refundable)} to the customer, by the method chosen below."))
    if quote.document_kind == "credit_note":
        invoice = quote.sale_invoice
        document = f"Credit note (CN series) against tax invoice {invoice.number} of {format_date(invoice.bill_date)}"
    else:
        document = "Refund voucher (RV series)"
    rows.append(("Document issued", f"{document}. {quote.note}".strip() if quote.note else document))
    return rows


def _refund(*, form, assignment, user) -> str:
    data = form.cleaned_data
    result = assignment_refund(
        assignment_id=assignment.pk, user=user, reason=data["reason"], method=data["method"],
        amount=data.get("amount"), reference=data.get("reference") or "",
    )
    log_operation(
        user, [result.assignment],
        f"Refunded {format_inr(result.refund_amount)} by {method_words(data['method'])}: {data['reason']}",
    )
    return format_html(
        "{} refunded: {} paid back by {}; {}. {}",
        change_link(result.assignment),
        format_inr(result.refund_amount),
        PaymentMethod(data["method"]).label,
        document_links(result.document),
        money_back_text([(data["method"], result.refund_amount)], to_whom=""),
    )


def top_up_figures(assignment) -> list[tuple[str, str]]:
    return [
        *package_figures(assignment),
        ("Credit so far", f"{format_inr(assignment.credit_remaining)} left of {format_inr(assignment.credit_amount)}"),
        ("Paid so far", format_inr(assignment.price_paid)),
        ("Document issued", "Receipt voucher (REC series): an advance, no GST until the credit is spent"),
    ]


def _top_up(*, form, assignment, user) -> str:
    data = form.cleaned_data
    result = assignment_top_up(
        assignment_id=assignment.pk, user=user, credit=data["credit"], price_paid=data["price_paid"], payment=form.payment()
    )
    log_operation(
        user, [result.assignment],
        f"Topped up {format_inr(data['credit'])} of credit for {format_inr(result.payment.amount)} "
        f"by {method_words(result.payment.method)}; receipt voucher {result.receipt.number}",
    )
    return format_html(
        "{} topped up: {}; {}.", change_link(result.assignment), balance_text(result.assignment), document_links(result.receipt)
    )


# One admin class per model: the assignment admin is packages', and billing plugs selling into it,
# and the after-sale operations that move money (refund, top-up).
assignment_admin = admin.site.get_model_admin(PackageAssignment)
assignment_admin.plug_sale(view=package_sale_view, documents=package_documents)
assignment_admin.plug_operation(
    "refund",
    OperationPage(
        RefundForm, _refund, refund_figures, refusal=lambda assignment: assignment_refund_quote(assignment).refusal,
        submit="Refund",
    ),
)
assignment_admin.plug_operation("top-up", OperationPage(TopUpForm, _top_up, top_up_figures, submit="Top up and take the payment"))


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = (
        "name", "hsn_sac", "quantity", "unit_price", "discount", "taxable_value", "gst_rate",
        "cgst", "sgst", "igst", "total", "package",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment")

    @admin.display(description="Package")
    def package(self, obj):
        if obj.assignment_id is None:
            return obj.package_note or "-"
        url = reverse("admin:packages_packageassignment_change", args=[obj.assignment_id])
        covered = f" ({obj.quantity_covered} covered)" if obj.quantity_covered else ""
        return format_html('<a href="{}">{}</a>{}', url, obj.assignment.package_name, covered)


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("received_at", "method", "amount", "reference", "received_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("received_by")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "number", "bill_date", "customer_name", "kind", "status", "grand_total_inr", "amount_payable_inr", "cashier",
        "receipt_link",
    )
    list_filter = ("status", "kind", "bill_date")
    search_fields = ("number", "credit_note_number", "customer__name", "customer__phone")
    list_select_related = ("customer", "cashier", "receipt")
    date_hierarchy = "bill_date"
    inlines = (InvoiceLineInline, PaymentInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("number", "kind", "status"),
                    ("bill_date", "issued_at"),
                    ("customer", "cashier"),
                    ("guests", "place_of_supply"),
                )
            },
        ),
        (
            "Summary",
            {
                "fields": (
                    ("package_subtotal", "services_subtotal", "products_subtotal"),
                    ("subtotal", "discount"),
                    ("cgst", "sgst", "igst"),
                    ("round_off", "grand_total"),
                    ("credit_applied", "amount_payable"),
                )
            },
        ),
        # The idempotency key is the API's bookkeeping against a double submission: not shown.
        ("Documents", {"fields": ("receipt_link", "notes")}),
        (
            "Cancellation",
            {"fields": (("cancelled_at", "cancelled_by"), "cancel_reason", "credit_note_number"), "classes": ("collapse",)},
        ),
    )
    readonly_fields = ("receipt_link",)
    change_form_template = "admin/billing/invoice/change_form.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_void"
        custom = [path("<int:invoice_id>/void/", self.admin_site.admin_view(self.void_view), name=name)]
        return custom + super().get_urls()

    def has_void_permission(self, request):
        return user_may(request.user, "void_invoice")

    def can_void(self, request, invoice=None) -> bool:
        allowed = self.has_void_permission(request)
        voidable = (InvoiceKind.SALE, InvoiceKind.PACKAGE_SALE)  # a package sale while nothing of it was used
        return allowed and (invoice is None or (invoice.status == "issued" and invoice.kind in voidable))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "can_void": invoice is not None and self.can_void(request, invoice)}
        return super().change_view(request, object_id, form_url, extra_context)

    def void_view(self, request, invoice_id):
        """Void an invoice with a reason: sessions, credit and stock come back; a credit note is issued."""
        invoice = self.get_object(request, str(invoice_id))
        if invoice is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(invoice_id))
        if not self.can_void(request):
            raise PermissionDenied
        error = None
        if request.method == "POST":
            try:
                with transaction.atomic():  # the void and its History row, or neither
                    given_back = invoice_void(invoice=invoice, reason=request.POST.get("reason", ""), user=request.user)
                    invoice.refresh_from_db()
                    log_operation(request.user, [invoice], f"Voided, credit note {invoice.credit_note_number}: {invoice.cancel_reason}")
            except DomainError as refusal:
                error = refusal.message
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                outcome = (
                    "the package is cancelled and its payments refunded"
                    if invoice.kind == InvoiceKind.PACKAGE_SALE
                    else f"{len(given_back)} package(s) got their balance back"
                )
                money_back = money_back_text(invoice_money_back(invoice))
                self.message_user(
                    request,
                    f"Invoice {invoice.number} is cancelled (credit note {invoice.credit_note_number}); {outcome}."
                    + (f" {money_back}" if money_back else ""),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "invoice": invoice,
            "title": f"Void invoice {invoice.number}",
            "error": error,
            "reason": request.POST.get("reason", ""),
            "money_back": money_back_text(invoice_money_to_return(invoice)),
        }
        return TemplateResponse(request, "admin/billing/invoice/void.html", context)

    @admin.display(description="Customer", ordering="customer__name")
    def customer_name(self, obj):
        return obj.customer.name

    @admin.display(description="Grand total", ordering="grand_total")
    def grand_total_inr(self, obj):
        return format_inr(obj.grand_total)

    @admin.display(description="Amount payable", ordering="amount_payable")
    def amount_payable_inr(self, obj):
        return format_inr(obj.amount_payable)

    @admin.display(description="Receipt")
    def receipt_link(self, obj):
        return receipt_links(obj.receipt)


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("invoice", "name", "line_type", "hsn_sac", "quantity", "taxable_value_inr", "gst_rate", "total_inr", "assignment")
    list_filter = ("line_type", "gst_rate", "benefit_type")
    search_fields = ("invoice__number", "name", "hsn_sac")
    list_select_related = ("invoice", "assignment__customer")

    @admin.display(description="Taxable value", ordering="taxable_value")
    def taxable_value_inr(self, obj):
        return format_inr(obj.taxable_value)

    @admin.display(description="Total", ordering="total")
    def total_inr(self, obj):
        return format_inr(obj.total)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "received_at", "customer", "method", "amount_inr", "reference", "invoice", "assignment", "receipt_link", "received_by",
    )
    list_filter = ("method", "received_at")
    search_fields = ("reference", "customer__name", "customer__phone", "invoice__number", "receipt__number")
    list_select_related = ("customer", "invoice", "assignment__customer", "receipt", "received_by")
    date_hierarchy = "received_at"

    @admin.display(description="Receipt")
    def receipt_link(self, obj):
        return receipt_links(obj.receipt)

    @admin.display(description="Amount", ordering="amount")
    def amount_inr(self, obj):
        return format_inr(obj.amount)


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("branch", "series", "financial_year", "last_value")
    list_filter = ("branch", "series", "financial_year")

