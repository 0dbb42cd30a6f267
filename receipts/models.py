"""Numbered receipt documents: an immutable snapshot of what was paid for.

This app knows nothing of invoices: the seller (billing) hands it a number and a
snapshot dict, and it keeps, shows and renders them.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from branches.models import Branch, default_branch_id
from core.fields import money_field
from customers.models import Customer


class ReceiptKind(models.TextChoices):
    TAX_INVOICE = "tax_invoice", "Tax invoice"
    ADVANCE_RECEIPT = "advance_receipt", "Receipt voucher (advance)"
    CREDIT_NOTE = "credit_note", "Credit note"
    REFUND_VOUCHER = "refund_voucher", "Refund voucher"


class Receipt(models.Model):
    """A document given to the customer; never edited once issued."""

    number = models.CharField(max_length=40, unique=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, default=default_branch_id, related_name="receipts", help_text="The branch that issued it."
    )
    kind = models.CharField(max_length=20, choices=ReceiptKind.choices, default=ReceiptKind.TAX_INVOICE)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="receipts")
    amount = money_field()
    issued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    snapshot = models.JSONField(help_text="Everything printed on the document, frozen when issued.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValidationError("Receipts are immutable once issued.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("receipt-detail", args=[self.pk])
