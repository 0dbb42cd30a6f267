"""Forms of the after-sale confirmation pages in the assignment admin (packages.operations).

Each form only reads what the manager types; the service checks it again under its lock
and its refusals come back on the fields they name (`add_domain_error`).
"""
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect

from customers.models import Customer
from spa_pkg.exceptions import DomainError

from .models import PackageAssignment


class DomainErrorsMixin:
    """Show a service's refusal on the form fields it names."""

    # Error keys of the service -> fields of the form (a key that is a field's name needs none).
    error_fields: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        """Put a service's refusal on the fields it names (the rest above the form)."""
        placed = False
        for key, messages in (error.errors or {}).items():
            field = self.error_fields.get(key, key)
            if field in self.fields:
                self.add_error(field, list(messages))
                placed = True
        if not placed:
            self.add_error(None, error.message)


class OperationForm(DomainErrorsMixin, forms.Form):
    """A confirmation form: the reason every change needs, and the service's refusals on its fields."""

    reason = forms.CharField(
        max_length=255, widget=forms.TextInput(attrs={"size": 60}), help_text="Kept in the package's ledger."
    )

    def __init__(self, *args, assignment: PackageAssignment, admin_site=None, **kwargs):
        self.assignment = assignment
        self.admin_site = admin_site
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])


class TransferForm(OperationForm):
    to_customer = forms.ModelChoiceField(label="To customer", queryset=Customer.objects.all())
    error_fields = {"to_customer_id": "to_customer"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.admin_site is not None:
            widget = AutocompleteSelect(PackageAssignment._meta.get_field("customer"), self.admin_site)
            widget.choices = self.fields["to_customer"].choices
            self.fields["to_customer"].widget = widget


class ExtendForm(OperationForm):
    expires_on = forms.DateField(label="New expiry", widget=AdminDateWidget)


class AdjustForm(OperationForm):
    """Sessions for a package that counts them, credit for one that holds rupees."""

    sessions = forms.IntegerField(
        label="Sessions to add", required=False, help_text="Negative to take sessions away, e.g. -1."
    )
    credit = forms.DecimalField(
        label="Credit to add (₹)", required=False, max_digits=12, decimal_places=2,
        help_text="Negative to take credit away, e.g. -500.00.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["credit" if self.assignment.has_sessions else "sessions"]

    def clean(self):
        cleaned = super().clean()
        name = "sessions" if "sessions" in self.fields else "credit"
        if name in cleaned and not cleaned.get(name):
            self.add_error(name, "Enter the change: positive to add, negative to take away.")
        return cleaned

    def change(self) -> dict:
        """Return the service's `sessions=` or `credit=` argument."""
        if "sessions" in self.fields:
            return {"sessions": self.cleaned_data["sessions"]}
        return {"credit": self.cleaned_data["credit"] or Decimal("0.00")}
