"""The spa's customers."""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from core.gstin import validate_gstin
from core.phones import format_phone, normalise_phone

from .links import new_page_key
from .validators import validate_date_of_birth


class Customer(models.Model):
    """A person (or a business with a GSTIN) who buys packages and services."""

    name = models.CharField(max_length=120, db_index=True)
    phone = models.CharField(max_length=16, unique=True, help_text="Stored as +91XXXXXXXXXX.")
    email = models.EmailField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])
    state_code = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^\d{2}$", "Two-digit GST state code, e.g. 29.")],
        help_text="GST state code of the customer's address (29 = Karnataka).",
    )
    gstin = models.CharField("GSTIN", max_length=15, blank=True, validators=[validate_gstin])
    address = models.TextField(
        blank=True,
        max_length=500,
        default="",
        db_default="",  # rows written by older code or by SQL (historical models, bench/journal.py) have none
        help_text="Postal address. A tax invoice of RULE46_THRESHOLD or more to a customer without a GSTIN "
        "prints it with the state (GST Rule 46, docs/gst.md).",
    )
    notes = models.TextField(blank=True)
    reminders_opt_out = models.BooleanField(
        "no reminders",
        default=False,
        db_default=False,  # rows written by older code (or SQL) are reminded, as before

        help_text="The customer asked not to get expiry and balance reminders (e-mail, SMS, WhatsApp).",
    )
    page_key = models.CharField(
        max_length=32,
        unique=True,
        null=True,  # rows written by SQL or by older code get theirs at their first link (links.page_token)
        default=new_page_key,
        editable=False,
        help_text="Random key behind the customer's own link (customers/links.py); a new key ends old links.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("export_customer", "Can export a customer's data (on request)"),
            ("erase_customer", "Can erase a customer's personal data (on request)"),
        ]

    def __str__(self):
        return f"{self.name} ({format_phone(self.phone)})"

    def clean(self):
        if self.phone:
            self.phone = normalise_phone(self.phone)
        self.gstin = (self.gstin or "").strip().upper()


class DataRequestKind(models.TextChoices):
    EXPORT = "export", "Data exported"
    ERASE = "erase", "Personal data erased"


class DataRequest(models.Model):
    """A customer's data exported or erased on their request: who did it, when, for whom (docs/customers-side.md)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(max_length=6, choices=DataRequestKind.choices)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reference = models.CharField(
        max_length=40, help_text="The customer's anonymous reference (what an erased customer is called after)."
    )

    class Meta:
        ordering = ["-done_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.reference}"
