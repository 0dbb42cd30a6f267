"""Forms of the admin "Assign & collect payment" page (the sale itself is `assignment_sell`) and of the counter."""
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.utils.functional import lazy

from catalog.models import Service
from core.forms import PageForm, RupeeField
from core.money import format_inr
from core.payments import TENDER_CHOICES
from customers.models import Customer
from packages.forms import AssignPackageForm, DomainErrorsMixin, OperationForm, on_sale_choices, template_from_choice
from packages.models import PackageAssignment, PackageTemplate
from receipts.selectors import GST_STATES

from .models import PaymentMethod
from .services import BuyerDetails, PaymentIn, rule46_threshold

# Error keys of the services -> fields of this form.
ERROR_FIELDS = {
    "customer_id": "customer",
    "customer": "customer",
    "package_id": "template",
    "package_type": "template",
    "template": "template",
    "service_id": "service",
    "service": "service",
    "price_paid": "price_paid",
    "discount": "discount",
    "expires_on": "expires_on",
    "notes": "notes",
    "method": "payment_method",
    "amount": "payment_amount",
    "reference": "payment_reference",
    "customer.address": "customer_address",
    "customer.state_code": "customer_state_code",
}


def _rule46_help() -> str:
    return (
        f"Needed on a tax invoice of {format_inr(rule46_threshold(), trim_paise=True)} or more to a customer without "
        "a GSTIN (GST Rule 46), unless the customer's address and state are on file; what is typed here is kept on "
        "the customer."
    )


RULE46_HELP = lazy(_rule46_help, str)()


def describe_template(template: PackageTemplate) -> str:
    """Say in a few words what a template gives, for the template picker (the kind's words)."""
    return template.kind.describe(template)


def template_choices() -> list:
    """Return the templates on sale, grouped by kind, each with what it gives."""
    return on_sale_choices(empty="---------", describe=describe_template)


class PackageSellForm(DomainErrorsMixin, forms.Form):
    """Customer, template, service, price and the payment of a package sale."""

    error_fields = ERROR_FIELDS

    customer = forms.ModelChoiceField(queryset=Customer.objects.all())
    template = forms.ChoiceField(label="Package", choices=template_choices)
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True),
        required=False,
        help_text="Required for a service package: the service its sessions cover.",
    )
    price_paid = RupeeField(
        label="Price paid (GST included)",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text="What the customer pays; the tax invoice takes the GST out of it. "
        "Leave empty for the list price less the discount, plus GST where it applies.",
    )
    discount = RupeeField(
        required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2, initial=Decimal("0.00")
    )
    expires_on = forms.DateField(
        label="Expires on", required=False, widget=AdminDateWidget, help_text="Leave empty for the template's validity."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    # No default: the seller says how the customer paid (a default Cash throws off the cash drawer).
    payment_method = forms.ChoiceField(label="Paid by", choices=[("", "---------"), *TENDER_CHOICES])
    payment_amount = RupeeField(
        label="Amount received",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty to take exactly the amount due (price plus GST where it applies).",
    )
    payment_reference = forms.CharField(
        label="Reference", required=False, max_length=80, help_text="UPI or card transaction id, cheque number…"
    )
    # GST Rule 46: asked of a customer without a GSTIN when the tax invoice reaches RULE46_THRESHOLD.
    customer_address = forms.CharField(
        label="Customer's address", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=RULE46_HELP,
    )
    customer_state_code = forms.ChoiceField(label="Customer's state", required=False, choices=lambda: state_choices())
    # A renewal: the package this sale renews (its Renew button fills it in).
    renews = forms.ModelChoiceField(queryset=PackageAssignment.objects.all(), required=False, widget=forms.HiddenInput)
    # Made when the form opens: a second press of the same form answers the first sale.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            # The admin's own autocomplete, searching the customer and service admins.
            for name in ("customer", "service"):
                widget = AutocompleteSelect(PackageAssignment._meta.get_field(name), admin_site)
                widget.choices = self.fields[name].choices
                self.fields[name].widget = widget

    def clean_template(self):
        template = template_from_choice(self.cleaned_data["template"])
        if template is None:
            raise forms.ValidationError("Choose a package on sale.")
        return template

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        if template is not None and template.kind.service_chosen_at_sale and not cleaned.get("service"):
            self.add_error("service", "Choose the service this package covers.")
        return cleaned

    def sale_arguments(self) -> dict:
        """Return the keyword arguments of `assignment_sell` (without the user)."""
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "template": data["template"],
            "service": data.get("service"),
            "price_paid": data.get("price_paid"),
            "discount": data.get("discount") or Decimal("0.00"),
            "expires_on": data.get("expires_on"),
            "notes": data.get("notes") or "",
            "payment": PaymentIn(
                method=data["payment_method"],
                amount=data.get("payment_amount"),
                reference=data.get("payment_reference") or "",
            ),
            "renews_assignment_id": data["renews"].pk if data.get("renews") else None,
            "idempotency_key": data.get("idempotency_key") or None,
            "buyer": BuyerDetails(
                address=data.get("customer_address") or "", state_code=data.get("customer_state_code") or ""
            ),
        }


class RefundForm(OperationForm):
    """How the money goes back, and how much (left empty: all that is refundable)."""

    method = forms.ChoiceField(label="Paid back by", choices=TENDER_CHOICES, initial=PaymentMethod.CASH)
    amount = RupeeField(
        label="Amount (₹)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty to refund the whole refundable amount above; a smaller amount may be entered.",
    )
    reference = forms.CharField(required=False, max_length=80, help_text="UPI or bank transfer id, cheque number…")


class TopUpForm(OperationForm):
    """More credit on the same package, for a payment taken now."""

    error_fields = {"payment.method": "payment_method", "payment.amount": "price_paid", "method": "payment_method"}

    credit = RupeeField(
        label="Credit added (₹)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        help_text="What the customer may spend.",
    )
    price_paid = RupeeField(
        label="Price paid (₹)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        help_text="What the customer pays for it (no GST on an advance for credit).",
    )
    payment_method = forms.ChoiceField(label="Paid by", choices=TENDER_CHOICES, initial=PaymentMethod.CASH)
    payment_reference = forms.CharField(
        label="Reference", required=False, max_length=80, help_text="UPI or card transaction id, cheque number…"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]  # a top-up is a sale: its payment and receipt say why

    def payment(self) -> PaymentIn:
        data = self.cleaned_data
        return PaymentIn(method=data["payment_method"], amount=None, reference=data.get("payment_reference") or "")


# -- the counter (/integrated-billing) ----------------------------------------------------------

QUANTITY_MAX = 1_000
QUANTITY_ERROR = f"Quantity must be a whole number from 1 to {QUANTITY_MAX}"


class CounterFieldsForm(PageForm):
    """A counter form whose fields always point at their error line (`<id>_error`), which the server refills in place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            form_field.widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_error"


class CartLineForm(CounterFieldsForm):
    """One cart line as the cashier edits it: quantity, who did it, which package pays."""

    quantity = forms.CharField(
        label="Qty",
        max_length=8,
        error_messages={"required": QUANTITY_ERROR, "max_length": QUANTITY_ERROR},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
    )
    staff = forms.TypedChoiceField(
        label="Staff", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Staff: choose someone from the list."},
    )
    package = forms.ChoiceField(
        label="Package", required=False,
        error_messages={"invalid_choice": "Package: choose one of the customer's packages, Auto or No package."},
    )

    def __init__(self, *args, staff_choices=(), package_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "—"), *staff_choices]
        self.fields["package"].choices = list(package_choices)

    def clean_quantity(self) -> int:
        # Never truncated: "2.5" is refused, not billed as 2.
        text = self.cleaned_data["quantity"].strip()
        if not text.isdecimal() or not 1 <= int(text) <= QUANTITY_MAX:
            raise forms.ValidationError(QUANTITY_ERROR)
        return int(text)


def _rupee_messages(subject: str, example: str) -> dict[str, str]:
    """The counter's words for a rupee amount that does not parse or does not fit (12 digits, paise)."""
    return {
        "invalid": f"{subject} must be an amount in rupees, like {example}.",
        "max_digits": f"{subject} is too large.",
        "max_whole_digits": f"{subject} is too large.",
        "max_decimal_places": f"{subject} takes at most 2 decimal places (paise).",
    }


class CounterForm(CounterFieldsForm):
    """The bill's options: a bill discount, the guests of a group bill, and whether credit pays first."""

    discount = RupeeField(
        label="Bill discount (₹)", required=False, min_value=0, max_digits=12, decimal_places=2,
        error_messages={**_rupee_messages("Bill discount", "100.00"), "min_value": "Bill discount cannot be negative."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    guests = forms.IntegerField(
        label="Guests (group bill)", required=False, min_value=1, max_value=10_000,
        error_messages={
            "invalid": "Guests must be a whole number from 1 to 10000.",
            "min_value": "Guests must be a whole number from 1 to 10000.",
            "max_value": "Guests must be a whole number from 1 to 10000.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    use_credit = forms.BooleanField(label="Pay from prepaid / kitty credit first", required=False)


class CounterPaymentForm(CounterFieldsForm):
    """One payment: no method is chosen for the cashier (an untouched row is not cash)."""

    method = forms.ChoiceField(
        label="Payment method", required=False,
        choices=[("", "Choose how the customer pays…"), *TENDER_CHOICES],
        error_messages={"invalid_choice": "Payment method: choose one from the list."},
    )
    amount = RupeeField(
        label="Amount (₹)", required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        error_messages={
            **_rupee_messages("Payment amount", "500.00"), "min_value": "Payment amount must be more than zero."
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reference = forms.CharField(
        label="Reference (card slip, UPI id)", required=False, max_length=80,
        error_messages={"max_length": "Payment reference takes at most 80 characters."},
    )


class PackageSaleForm(AssignPackageForm):
    """/assign-packages' sale form with the customer's address and state that GST Rule 46 may ask for."""

    error_fields = {
        **AssignPackageForm.error_fields, "customer.address": "address", "customer.state_code": "state_code",
    }

    address = forms.CharField(
        label="Customer's address", required=False, max_length=500, help_text=RULE46_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        error_messages={"max_length": "Customer's address: at most 500 characters."},
    )
    state_code = forms.ChoiceField(
        label="Customer's state", required=False, choices=lambda: state_choices(),
        error_messages={"invalid_choice": "Customer's state: choose one from the list."},
    )

    def buyer(self) -> BuyerDetails:
        data = self.cleaned_data
        return BuyerDetails(address=data.get("address") or "", state_code=data.get("state_code") or "")


def state_choices() -> list[tuple[str, str]]:
    """The GST states, "29 Karnataka", for the buyer's state (GST Rule 46)."""
    return [("", "Choose the state…"), *((code, f"{code} {name}") for code, name in GST_STATES.items())]


class CounterBuyerForm(CounterFieldsForm):
    """The customer's address and state, asked when GST Rule 46 needs them on the invoice (kept on the customer)."""

    address = forms.CharField(
        label="Customer's address", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        error_messages={"max_length": "The address takes at most 500 characters."},
    )
    state_code = forms.ChoiceField(
        label="State", required=False, choices=state_choices,
        error_messages={"invalid_choice": "State: choose one from the list."},
    )


class VoidForm(PageForm):
    reason = forms.CharField(
        label="Why is it voided?", max_length=255,
        error_messages={"required": "Say why the invoice is voided.", "max_length": "The reason takes at most 255 characters."},
    )
