"""Reminders to customers: one row per message (the log and the at-most-once guard) and the texts.

A `Notification` is written before anything is sent. Its unique key (assignment, kind,
threshold, channel) is what makes a reminder go at most once: a second run of the schedule
inserts nothing (`bulk_create(ignore_conflicts=True)`), and a send first leases its row
(`claimed_at`, `attempts`) in its own committed UPDATE, so two workers never send one row
(notifications/services.py, docs/notifications.md).
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce

from customers.models import ConsentChannel, Customer
from packages.models import PackageAssignment


class NotificationKind(models.TextChoices):
    EXPIRY = "expiry", "Expiry reminder"
    LOW_BALANCE = "low_balance", "Low balance"
    COMPLETED = "completed", "Package completed"
    EXPIRED = "expired", "Package expired"


# One list of channels: the customer's consent is recorded per channel (customers.models).
Channel = ConsentChannel


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"  # the provider's delivery report said so (notifications/webhooks.py)
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Notification(models.Model):
    """One message to one customer about one package, on one channel."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="notifications")
    assignment = models.ForeignKey(PackageAssignment, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    threshold = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before expiry, for an expiry reminder; empty otherwise."
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED, db_index=True
    )
    recipient = models.CharField(max_length=254, blank=True, help_text="The e-mail address or E.164 phone used.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # The lease: set in its own committed UPDATE before the send, cleared with the outcome.
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True, help_text="Why the message was skipped, or the last failure.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="When the provider reported it delivered.")
    # Quiet hours: a send due inside QUIET_HOURS_START..END waits until this time (services.quiet_until).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # NULL thresholds (every kind but expiry) must collide too: hence COALESCE.
            models.UniqueConstraint(
                models.F("assignment"),
                models.F("kind"),
                Coalesce(models.F("threshold"), models.Value(0)),
                models.F("channel"),
                name="notification_once_per_assignment_kind_threshold_channel",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="expiry", threshold__isnull=False)
                | (~models.Q(kind="expiry") & models.Q(threshold__isnull=True)),
                name="notification_threshold_only_for_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="notification_customer_status"),
            models.Index(fields=["status", "claimed_at"], name="notification_to_send"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.customer_id} by {self.get_channel_display()} ({self.status})"


class MessageTemplate(models.Model):
    """The words of one kind of message on one channel, editable by the spa (Django template syntax)."""

    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=200, blank=True, help_text="E-mail only.")
    body = models.TextField(
        help_text=(
            "Placeholders: {{ customer_name }}, {{ package_name }}, {{ left }}, {{ action }}, {{ expires_on }}, "
            "{{ days_left }}, {{ spa_name }}, {{ spa_phone }}, {{ page_url }}, {{ stop_url }}. A reminder is a "
            "service message: no promotional words (docs/messages.md)."
        )
    )
    # India's DLT registration of an SMS template (TRAI): the gateway sends only registered texts.
    dlt_template_id = models.CharField("DLT template id", max_length=30, blank=True)
    dlt_entity_id = models.CharField("DLT entity id", max_length=30, blank=True)
    sender_header = models.CharField(max_length=11, blank=True, help_text="The registered sender header (e.g. LOTUSS).")
    variables = models.CharField(
        max_length=300, blank=True,
        help_text="The registered variables in order, comma-separated (e.g. customer_name,package_name,expires_on,"
        "page_url,stop_url): the SMS's DLT variables, or the WhatsApp template's body parameters.",
    )
    whatsapp_template = models.CharField(
        "WhatsApp template name", max_length=512, blank=True, help_text="The approved template's name (WhatsApp only)."
    )
    whatsapp_language = models.CharField("WhatsApp language code", max_length=15, blank=True, default="en")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "channel"]
        constraints = [models.UniqueConstraint(fields=["kind", "channel"], name="message_template_per_kind_channel")]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.get_channel_display()}"

    @property
    def registered(self) -> list[str]:
        """The registered variables, in order."""
        return [name.strip() for name in self.variables.split(",") if name.strip()]

    def clean(self):
        from .messages import promotional_words

        found = promotional_words(f"{self.subject} {self.body}")
        if found:
            raise ValidationError(
                {"body": f"A reminder is a service message: remove the promotional words {', '.join(found)}."}
            )
