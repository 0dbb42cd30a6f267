"""The customer's side: the sign-in codes that open a customer's history, invoices and preferences.

The link (customers/links.py) alone shows balances. The rest asks for a 6-digit code sent by
SMS to the phone on file. Only a keyed hash of the code is stored; the worker that sends the
SMS makes the code (portal.tasks), so it is never written anywhere in clear.
"""
from django.db import models

from customers.models import Customer


class SignInCode(models.Model):
    """One code sent to a customer's phone: valid PORTAL_CODE_MINUTES, PORTAL_CODE_TRIES tries."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the code; empty until sent.")
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Sign-in code #{self.pk}"
