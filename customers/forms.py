"""The customer picker's inline "new customer" form (templates/includes/customer_picker.html)."""
from django import forms
from django.core.exceptions import ValidationError

from core.forms import PageForm
from core.phones import normalise_phone

from .models import Customer


class NewCustomerForm(PageForm):
    """Name, phone and e-mail of a walk-in; `customer_create` checks them again when it saves."""

    prefix = "new-customer"

    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages={
            "required": "Name is needed: type the customer's name.",
            "max_length": "Name must be at most 120 characters.",
        },
    )
    phone = forms.CharField(
        label="Phone",
        max_length=32,
        help_text="Mobile number, with or without +91.",
        error_messages={
            "required": "Phone is needed: type the customer's mobile number.",
            "max_length": "Phone must be a mobile number like 98450 12345.",
        },
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "E-mail must be an address like name@example.com."},
    )

    # The customer who already has the phone typed: the picker offers to use them.
    existing_customer: Customer | None = None

    def clean_phone(self) -> str:
        try:
            phone = normalise_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError("Phone must be a mobile number like 98450 12345.", code="invalid_phone") from None
        self.existing_customer = Customer.objects.filter(phone=phone).first()
        if self.existing_customer is not None:
            raise ValidationError(
                f"This phone belongs to {self.existing_customer.name}: use that customer?", code="phone_taken"
            )
        return phone

    def add_service_errors(self, errors: dict[str, list[str]], message: str) -> None:
        """Put `customer_create`'s refusals on the fields they name (the rest above the form)."""
        placed = False
        for field, messages in (errors or {}).items():
            if field in self.fields:
                self.add_error(field, messages[0])
                placed = True
        if not placed:
            self.add_error(None, message)
