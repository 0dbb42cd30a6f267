"""The places a chain bills at: each branch has its own GSTIN, state and number series."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from core.gstin import validate_gstin

CODE_PATTERN = r"^[A-Z0-9]{2,6}$"


class Branch(models.Model):
    """A spa of the chain; the first one is made from the SPA_* settings."""

    code = models.CharField(
        max_length=6,
        unique=True,
        validators=[RegexValidator(CODE_PATTERN, "Use 2 to 6 capital letters or digits, e.g. IND.")],
        help_text="2 to 6 letters or digits; printed in the document numbers ({branch}) and sent as X-Branch.",
    )
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    phone = models.CharField(max_length=30, blank=True)
    gstin = models.CharField("GSTIN", max_length=15, validators=[validate_gstin])
    state_code = models.CharField(
        max_length=2, validators=[RegexValidator(r"^\d{2}$", "Use the two-digit GST state code, e.g. 29.")]
    )
    upi_vpa = models.CharField(
        "UPI VPA",
        max_length=100,
        blank=True,
        default="",
        db_default="",
        validators=[RegexValidator(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$", "A UPI address, e.g. lotusspa@okicici.")],
        help_text="The branch's UPI address: receipts with an amount due print a UPI QR code paying it.",
    )
    is_active = models.BooleanField(default=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BranchMembership", related_name="branches", blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "branches"
        permissions = [("work_at_every_branch", "Can work at every branch (chain-wide)")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        self.gstin = (self.gstin or "").strip().upper()
        super().save(*args, **kwargs)

    def clean(self):
        self.code = (self.code or "").strip().upper()
        self.gstin = (self.gstin or "").strip().upper()
        if self.gstin and self.state_code and self.gstin[:2] != self.state_code:
            raise ValidationError(
                {"gstin": f"A GSTIN of state {self.state_code} starts with {self.state_code}, not {self.gstin[:2]}."}
            )


def default_branch_id() -> int:
    """The default of every `branch` column: the first active branch (made from SPA_* if there is none).

    Services always name the branch; this is for rows made another way (scripts, fixtures).
    """
    from .selectors import default_branch

    # The id alone: another app's migration may call this before this app's latest column exists.
    found = Branch.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True).first()
    return found if found is not None else default_branch().pk


class BranchMembership(models.Model):
    """A user works at a branch (a cashier picks among theirs after logging in)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="branch_memberships")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "branch"], name="membership_unique_user_branch")]

    def __str__(self):
        return f"{self.user} at {self.branch.code}"
