"""Invoices, their lines and payments, and the gapless number sequences (per branch, series and financial year)."""
from django.conf import settings
from django.db import models

from branches.models import Branch, default_branch_id
from catalog.models import Product, Service
from core.fields import money_field
from core.money import ZERO_RUPEES
from core.payments import PaymentMethod
from customers.models import Customer
from packages.models import BenefitType, PackageAssignment
from receipts.models import Receipt


class NumberSequence(models.Model):
    """The last number a branch issued in a series in a financial year; rows are locked to hand out the next.

    Each branch counts its own series, so two branches billing at once never wait on each
    other; each financial year starts a row of its own, so every series restarts at 1 on 1 April.
    """

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=10)
    financial_year = models.PositiveSmallIntegerField(help_text="The year it starts in: 2026 for 2026-27.")
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "series", "financial_year"], name="sequence_unique_branch_series_year"
            )
        ]

    def __str__(self):
        return f"{self.series} {self.financial_year}-{(self.financial_year + 1) % 100:02d}: {self.last_value}"


class InvoiceKind(models.TextChoices):
    SALE = "sale", "Services and products"
    PACKAGE_SALE = "package_sale", "Package sale"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    CANCELLED = "cancelled", "Cancelled"


class Invoice(models.Model):
    """A tax invoice, numbered per branch and financial year (KOR/26-27/00123), never deleted (a void cancels it)."""

    number = models.CharField(max_length=40, unique=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, default=default_branch_id, related_name="invoices", help_text="Where the bill was made."
    )
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.SALE)
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED, db_index=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    bill_date = models.DateField(db_index=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    guests = models.PositiveIntegerField(null=True, blank=True)
    place_of_supply = models.CharField(max_length=2, blank=True)
    package_subtotal = money_field(default=ZERO_RUPEES)
    services_subtotal = money_field(default=ZERO_RUPEES)
    products_subtotal = money_field(default=ZERO_RUPEES)
    subtotal = money_field(default=ZERO_RUPEES)
    discount = money_field(default=ZERO_RUPEES)
    cgst = money_field("CGST", default=ZERO_RUPEES)
    sgst = money_field("SGST", default=ZERO_RUPEES)
    igst = money_field("IGST", default=ZERO_RUPEES)
    round_off = money_field(default=ZERO_RUPEES)
    grand_total = money_field(default=ZERO_RUPEES)
    credit_applied = money_field(default=ZERO_RUPEES)
    amount_payable = money_field(default=ZERO_RUPEES)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # With the key, the request it was first sent with (`cashier` is who sent it): a retry
    # must be the same bill from the same user to be answered with this invoice.
    request_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the bill as first submitted with the idempotency key."
    )
    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=255, blank=True)
    credit_note_number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    credit_note_receipt = models.OneToOneField(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="credited_invoice"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["customer", "bill_date"], name="invoice_customer_date")]
        # Reports read invoices, payments and packages alike; billing is the one app that sees
        # all of them, and an invoice is where a report's figures start.
        permissions = [
            ("void_invoice", "Can void an invoice (gives back what it took)"),
            ("view_reports", "Can view reports"),
        ]

    def __str__(self):
        return self.number


class LineType(models.TextChoices):
    SERVICE = "service", "Service"
    PRODUCT = "product", "Product"
    PACKAGE = "package", "Package sale"


class InvoiceLine(models.Model):
    """One line of an invoice with its tax worked out per docs/gst.md."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    line_type = models.CharField(max_length=10, choices=LineType.choices)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=160)
    hsn_sac = models.CharField("SAC/HSN", max_length=8, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = money_field(default=ZERO_RUPEES)
    gross = money_field(default=ZERO_RUPEES)
    discount = money_field(
        default=ZERO_RUPEES, help_text="Share of the bill discount plus the line's own benefit discount."
    )
    benefit_discount = money_field(default=ZERO_RUPEES)
    taxable_value = money_field(default=ZERO_RUPEES)
    gst_rate = models.DecimalField(max_digits=5, decimal_places=2)
    cgst = money_field("CGST", default=ZERO_RUPEES)
    sgst = money_field("SGST", default=ZERO_RUPEES)
    igst = money_field("IGST", default=ZERO_RUPEES)
    total = money_field(default=ZERO_RUPEES)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assignment = models.ForeignKey(
        PackageAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    benefit_type = models.CharField(max_length=10, choices=BenefitType.choices, blank=True)
    quantity_covered = models.PositiveIntegerField(default=0)
    package_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["invoice", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(quantity_covered__lte=models.F("quantity")), name="line_covered_within_quantity"
            ),
        ]

    def __str__(self):
        return f"{self.name} x {self.quantity}"


class Payment(models.Model):
    """Money received for an invoice or a package sale (credit spent counts as a payment)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    assignment = models.ForeignKey(
        PackageAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
        help_text="The package sold, or the credit spent.",
    )
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    amount = money_field(default=ZERO_RUPEES)
    reference = models.CharField(max_length=80, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount}"


class Refund(models.Model):
    """Money paid back to a customer: a package refund, or the payments of a voided package sale."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="refunds")
    assignment = models.ForeignKey(
        PackageAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds",
        help_text="The sale invoice the refund reverses (credit note), if any.",
    )
    document = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, related_name="refunds", help_text="The credit note or refund voucher."
    )
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    amount = money_field(default=ZERO_RUPEES)
    reference = models.CharField(max_length=80, blank=True)
    reason = models.CharField(max_length=255)
    refunded_at = models.DateTimeField(auto_now_add=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-refunded_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"Refund {self.amount} ({self.document.number})"
