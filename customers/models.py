"""The spa's customers, and their consent to messages on each channel."""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

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

    @property
    def reminders_opt_out(self) -> bool:
        """True when no channel may carry a reminder: derived from the consent records (customers/consent.py)."""
        from .consent import reminders_opt_out

        return reminders_opt_out(self)

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
class ConsentChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentSource(models.TextChoices):
    COUNTER = "counter", "At the counter"
    PAGE = "page", "On the customer's page"
    IMPORT = "import", "Imported"
    LINK = "link", "Opt-out link in a message"
    ADMIN = "admin", "In the admin"
    API = "api", "Through the API"


class Consent(models.Model):
    """One decision of a customer about messages on one channel: given or withdrawn, when, how, by whom, in which words.

    Rows are only added, never changed: the latest row of a (customer, channel) is the state
    now, the earlier ones are the record of what was said before (customers/consent.py).
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=10, choices=ConsentSource.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The user who recorded it; empty when the customer did it themselves (link, page) or an import.",
    )
    words = models.TextField(help_text="The exact words the customer was shown.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "channel", "-at"], name="consent_latest")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.status} ({self.get_how_display()})"
