"""Forms of the after-sale confirmation pages in the assignment admin (packages.operations),
and the cashier's sale form of /assign-packages.

Each form only reads what the manager types; the service checks it again under its lock
and its refusals come back on the fields they name (`add_domain_error`).
"""
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from djmoney.models.fields import MoneyField

from catalog.models import Service
from core.exceptions import DomainError
from core.forms import DayMonthYearField, ModelIdsField, PageForm, RupeeField
from core.payments import TENDER_CHOICES
from customers.models import Customer

from .kinds import all_kinds, find_kind
from .models import MAX_VALIDITY_MONTHS, VALIDITY_DAYS_MAX, PackageAssignment, PackageTemplate, latest_expiry


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
    credit = RupeeField(
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


# --- /assign-packages: the cashier's sale form ------------------------------------------------

CHOOSE_CUSTOMER = "Customer: choose the customer, or add a new one."


def new_sale_key() -> str:
    """Return the key a sale form carries from the moment it opens (its idempotency key)."""
    return uuid.uuid4().hex


def on_sale_choices(*, empty: str = "Choose a package…", describe=None) -> list:
    """Return the templates on sale, grouped by kind, as "<kind>:<id>" choices.

    `describe(template)`, when given, adds its text in brackets after each name (the admin's sale form).
    """
    choices: list = [("", empty)]
    for kind in all_kinds():
        options = [
            (f"{kind.package_type}:{template.pk}", f"{template.name} ({describe(template)})" if describe else template.name)
            for template in kind.model.objects.filter(is_active=True).order_by("name")
        ]
        if options:
            choices.append((kind.label, options))
    return choices


def template_from_choice(value: str) -> PackageTemplate | None:
    """Return the template a "<kind>:<id>" value names, or None."""
    package_type, _, pk = (value or "").partition(":")
    kind = find_kind(package_type)
    if kind is None or not pk.isdecimal():
        return None
    return kind.model.objects.filter(pk=int(pk)).first()


@dataclass(frozen=True)
class SaleDetails:
    """What the page shows about the package chosen: validity, default expiry and price (before GST)."""

    template: PackageTemplate | None
    needs_service: bool
    service: Service | None
    validity: str
    default_expiry: date | None
    price: Decimal | None


class AssignPackageForm(DomainErrorsMixin, PageForm):
    """The package, its service, expiry, notes and the payment; the customer comes from the picker."""

    # Refusals of assignment_sell -> the fields of this form (the customer's go to the picker).
    error_fields = {
        "customer": "customer_id",
        "package_id": "package",
        "package_type": "package",
        "template": "package",
        "service_id": "service",
        "idempotency_key": "__all__",
    }

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    customer_id = forms.ModelChoiceField(
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": CHOOSE_CUSTOMER, "invalid_choice": CHOOSE_CUSTOMER},
    )
    package = forms.ChoiceField(
        label="Package",
        error_messages={
            "required": "Package: choose the package to sell.",
            "invalid_choice": "Package: this package is no longer on sale; choose another.",
        },
    )
    service = forms.ModelChoiceField(
        label="Service covered",
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="Choose the service…",
        error_messages={"invalid_choice": "Service covered: this service is no longer offered; choose another."},
    )
    expires_on = DayMonthYearField(label="Expires on", required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
        error_messages={"max_length": "Notes must be at most 2,000 characters."},
    )
    # Required unless the sale collects nothing (a free offer): the sale page checks it against the amount due.
    method = forms.ChoiceField(
        label="Payment method",
        required=False,
        choices=[("", "Choose a method…"), *TENDER_CHOICES],
        error_messages={
            "required": "Payment method: choose how the customer pays.",
            "invalid_choice": "Payment method: choose one of the methods listed.",
        },
    )
    amount = RupeeField(
        label="Amount received (₹)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty for exactly the amount due, GST included.",
        error_messages={
            "invalid": "Amount received must be an amount in rupees, like 3780 or 3780.50.",
            "min_value": "Amount received must be more than ₹0.",
            "max_digits": "Amount received is too large.",
            "max_decimal_places": "Amount received can have at most 2 digits after the point (paise).",
            "max_whole_digits": "Amount received is too large.",
        },
    )
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=80,
        help_text="UPI or card transaction id, cheque number.",
        error_messages={"max_length": "Reference must be at most 80 characters."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = on_sale_choices()  # read once: one query per kind
        # The package and its service redraw the part of the form that follows them (#sale-details).
        redraw = {
            "hx-get": reverse("assign-packages-details"),
            "hx-trigger": "change",
            "hx-target": "#sale-details",
            "hx-swap": "innerHTML",  # not the form's outerHTML, which it would inherit
            "hx-sync": "#sale-details:replace",
        }
        self.fields["package"].widget.attrs.update(
            redraw, **{"hx-include": "#assign-form [name=service], #assign-form [name=expires_on]"}
        )
        self.fields["service"].widget.attrs.update(
            redraw,
            **{"hx-include": "#assign-form [name=package], #assign-form [name=expires_on]", "hx-vals": '{"changed": "service"}'},
        )
        self.fields["expires_on"].help_text = "dd-mm-yyyy. Filled in from the package's validity."
        self.fields["expires_on"].error_messages["invalid"] = (
            "Expires on must be a date written dd-mm-yyyy, like 23-05-2027."
        )

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        today = timezone.localdate()
        if expires_on is not None and not today <= expires_on <= latest_expiry(today):
            raise forms.ValidationError(
                f"Expires on must be between today and {latest_expiry(today):%d-%m-%Y}, written dd-mm-yyyy."
            )
        return expires_on

    def clean_package(self) -> PackageTemplate:
        template = template_from_choice(self.cleaned_data["package"])
        if template is None or not template.is_active:
            raise forms.ValidationError(self.fields["package"].error_messages["invalid_choice"])
        return template

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("package")
        if template is not None and template.kind.service_chosen_at_sale and not cleaned.get("service"):
            self.add_error("service", "Service covered: choose the service this package covers.")
        return cleaned

    def value_of(self, name: str):
        """Return what the form holds for `name`: the typed value if bound, else the initial one."""
        return self[name].value()

    def details(self) -> SaleDetails:
        """Describe the chosen package and service as the page shows them (read from the form's values)."""
        template = template_from_choice(self.value_of("package") or "")
        needs_service = bool(template and template.kind.service_chosen_at_sale)
        service_id = str(self.value_of("service") or "")
        service = Service.objects.filter(pk=service_id, is_active=True).first() if service_id.isdecimal() else None
        price = None
        if template is not None and (service is not None or not needs_service):
            price = template.list_price(service if needs_service else None).amount
        today = timezone.localdate()
        return SaleDetails(
            template=template,
            needs_service=needs_service,
            service=service,
            validity=template.kind.validity_text(template) if template else "",
            default_expiry=template.default_expiry(today) if template else None,
            price=price,
        )

    def sale_arguments(self) -> dict:
        """Return the keyword arguments of the sale service but the payment and the user."""
        data = self.cleaned_data
        template = data["package"]
        return {
            "customer": data["customer_id"],
            "template": template,
            "service": data.get("service") if template.kind.service_chosen_at_sale else None,
            "expires_on": data.get("expires_on"),
            "notes": data.get("notes") or "",
            "idempotency_key": data["idempotency_key"],
        }


# --- /packages: a manager creates a template of a kind --------------------------------------

# The page's words for the kinds' fields (the model's verbose name otherwise).
TEMPLATE_LABELS = {
    "actual_price": "Price paid (₹)",
    "after_value": "Credit value (₹)",
    "pay_for": "Pay for (sessions)",
    "total_services": "Total sessions",
    "price": "Price (₹)",
    "discount_percentage": "Discount %",
    "discount_percent": "Discount %",
    "min_guests": "Minimum guests",
    "services_included": "Included services",
    "valid_days": "Valid days",
}
TEMPLATE_HELP = {
    "valid_days": '"Mon-Fri" or "Mon,Wed,Sat".',
    "services_included": "Tick every service the package includes.",
}
VALIDITY_UNITS = [("validity_months", "months"), ("validity_days", "days")]
COUNT_MAX = 10_000


def _said(label: str) -> str:
    """The field's name as an error says it: "Price paid (₹)" -> "Price paid", "Discount %" -> "Discount".

    No "%" may stay: Django fills an error's limits in with `%`, and "Discount % cannot be
    negative" would fail there (a 500 instead of the form error).
    """
    return label.replace(" (₹)", "").replace(" %", "")


def _template_field(model, name: str, *, label: str | None = None) -> forms.Field:
    """Return the page's form field for a template model's field, with errors that name it."""
    field = model._meta.get_field(name)
    label = label or TEMPLATE_LABELS.get(name) or capfirst(field.verbose_name)
    said = _said(label)
    messages = {"required": f"{said} is needed."}
    common = {"label": label, "required": not field.blank, "help_text": TEMPLATE_HELP.get(name, "")}
    default = field.default if field.has_default() and not callable(field.default) else None
    if default is not None:
        common["initial"] = getattr(default, "amount", default)
    if field.many_to_many:
        return ModelIdsField(
            queryset=Service.objects.filter(is_active=True).order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={**messages, "invalid_choice": f"{said}: choose from the services listed."},
            **common,
        )
    if isinstance(field, models.DateField):
        return DayMonthYearField(**{**common, "label": label}, error_messages=messages)
    if isinstance(field, models.TextField):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **common, error_messages=messages)
    if isinstance(field, models.IntegerField):
        return forms.IntegerField(
            min_value=1, max_value=COUNT_MAX, **common,
            error_messages={
                **messages,
                "invalid": f"{said} must be a whole number.",
                "min_value": f"{said} must be at least %(limit_value)s.",
                "max_value": f"{said} must be at most %(limit_value)s.",
            },
        )
    if isinstance(field, models.DecimalField | MoneyField):
        money = isinstance(field, MoneyField)  # typed as the pages print it: 15,000 or 1,05,400
        example = "like 15000 or 15000.50" if money else "like 20 or 12.5"
        return (RupeeField if money else forms.DecimalField)(
            min_value=Decimal("0"), max_digits=12, decimal_places=2, **common,
            error_messages={
                **messages,
                "invalid": f"{said} must be a number, {example}.",
                "min_value": f"{said} cannot be negative.",
                "max_digits": f"{said} is too large.",
                "max_whole_digits": f"{said} is too large.",
                "max_decimal_places": f"{said} can have at most 2 digits after the point.",
            },
        )
    return forms.CharField(max_length=field.max_length, **common, error_messages={
        **messages, "max_length": f"{said} must be at most %(limit_value)s characters."})


class TemplateForm(PageForm):
    """Name, the kind's own fields and a description; the model's `full_clean()` has the last word."""

    kind = None  # set by template_form_class

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.kind.package_type}_%s")  # six forms on one page
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if "validity" in self.fields and cleaned.get("validity") is not None:
            unit = cleaned.get("validity_unit") or "validity_months"
            limit = MAX_VALIDITY_MONTHS if unit == "validity_months" else VALIDITY_DAYS_MAX
            if cleaned["validity"] > limit:
                self.add_error("validity", f"Validity must be at most {limit} {dict(VALIDITY_UNITS)[unit]}.")
        if self.errors:
            return cleaned
        self.instance = self._candidate(cleaned)
        try:
            self.instance.full_clean(exclude=[field.name for field in self.kind.model._meta.many_to_many])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                target = "validity" if name in dict(VALIDITY_UNITS) else name
                self.add_error(target if target in self.fields else None, messages[0])
        return cleaned

    def _candidate(self, cleaned) -> PackageTemplate:
        template = self.kind.model()
        many = {field.name for field in self.kind.model._meta.many_to_many}
        for name, value in cleaned.items():
            if name in self.model_field_names and name not in many:
                setattr(template, name, value)
        if "validity" in self.fields:
            unit = cleaned.get("validity_unit") or "validity_months"
            for other, _label in VALIDITY_UNITS:
                setattr(template, other, cleaned.get("validity") if other == unit else None)
        return template

    def save(self) -> PackageTemplate:
        """Store the template checked in `clean()`, and its included services."""
        self.instance.save()
        for field in self.kind.model._meta.many_to_many:
            if field.name in self.cleaned_data:
                getattr(self.instance, field.name).set(self.cleaned_data[field.name])
        return self.instance


def template_form_class(kind) -> type[TemplateForm]:
    """Build the create form of a kind from its fields (`Kind.input_fields`)."""
    model = kind.model
    fields: dict[str, forms.Field] = {"name": _template_field(model, "name", label="Name")}
    for name in kind.input_fields:
        if name == "validity_days":
            continue
        if name == "validity_months":
            initial = model._meta.get_field(name).default
            fields["validity"] = forms.IntegerField(
                label="Validity", min_value=1, required=False, initial=initial,
                help_text="Needed: how long the package lasts from the sale, in months or in days.",
                error_messages={"invalid": "Validity must be a whole number.", "min_value": "Validity must be at least 1."},
            )
            fields["validity_unit"] = forms.ChoiceField(
                label="Validity in", choices=VALIDITY_UNITS, initial="validity_months", widget=forms.RadioSelect, required=False,
                error_messages={"invalid_choice": "Validity in: choose months or days."},
            )
            continue
        fields[name] = _template_field(model, name)
    if kind.package_type == "student_offer" and "price" in fields:
        fields["price"].label = "Enrolment fee (₹)"
    fields["description"] = _template_field(model, "description", label="Description")
    for name in kind.compute_inputs:
        fields[name].widget.attrs["data-compute"] = ""
    attrs = {
        **fields,
        "kind": kind,
        "model_field_names": {field.name for field in model._meta.get_fields()},
    }
    return type(f"{model.__name__}Form", (TemplateForm,), attrs)
