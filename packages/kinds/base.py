"""What every package kind knows, with the defaults most kinds share.

A kind is stateless: one instance per `package_type`, registered in `packages.kinds`.
It points at its template model and its benefit rule, and answers for that kind
everything that used to be a string comparison elsewhere: the tracker rows an
assignment gets, the value it still holds, the texts a person reads, whether the sale
is taxed, and the fields its forms and serializers show.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django.db.models import Expression
from djmoney.money import Money

from catalog.models import Service
from core.money import ZERO, format_inr

from ..models import AssignmentStatus, PackageAssignment, PackageBenefitTracker, PackageTemplate
from ..rules import BenefitRule
from ..valuation import AssignmentValues

# Fields every template has; forms show them around the kind's own `fields`.
COMMON_FIELDS = ("name", "description", "is_active")
VALIDITY_FIELDS = ("validity_months", "validity_days")


@dataclass(frozen=True)
class TemplateSummary:
    """A template as the list on /packages shows it."""

    price: str
    value: str
    benefit_percent: Decimal | None


def rupees(money) -> str:
    """Write an amount the Indian way without empty paise: ₹15,000 or ₹1,499.50."""
    return format_inr(money, trim_paise=True)


def percent_text(value: Decimal) -> str:
    """Write a percentage without trailing zeros: 20, 12.5."""
    return f"{Decimal(value).normalize():f}"


class Kind:
    """One package kind. Subclasses set the class attributes and override what differs."""

    package_type: ClassVar[str]
    label: ClassVar[str]  # the kind's name, as the tabs and pickers show it
    description: ClassVar[str]  # what the kind gives, in one sentence
    model: ClassVar[type[PackageTemplate]]
    rule: ClassVar[type[BenefitRule]]
    api_segment: ClassVar[str]  # its template endpoint: /api/<api_segment>
    # The kind's own template fields, in form order; admin fieldsets, serializers and the
    # /packages form all read this list. Computed ones are shown, never typed.
    fields: ClassVar[tuple[str, ...]]
    computed_fields: ClassVar[tuple[str, ...]] = ()
    # The inputs the computed figures are worked out from (the page previews them as typed).
    compute_inputs: ClassVar[tuple[str, ...]] = ()
    # The API's help texts of the kind's fields (its generated serializer, packages.api.serializers).
    help_texts: ClassVar[dict[str, str]] = {}
    # The columns of the kind's generated template admin between the name and is_active; None: drawn
    # from `fields` (`list_columns`). "benefit", "validity", "discount", "included" and "sessions" are
    # the admin's own columns.
    admin_columns: ClassVar[tuple[str, ...] | None] = None
    price_field: ClassVar[str] = "price"
    has_sessions: ClassVar[bool] = False  # a count of sessions that falls as they are used
    is_credit: ClassVar[bool] = False  # a rupee credit that falls as it is spent
    # GST at sale: an advance for named services is taxed when sold; credit is a voucher
    # (a tender), taxed when redeemed instead (docs/gst.md).
    taxed_at_sale: ClassVar[bool] = True
    service_chosen_at_sale: ClassVar[bool] = False  # the seller picks the covered service
    # What a reminder asks the customer to do about a low balance: only credit can be topped up.
    reminder_action: ClassVar[str] = "Renew"
    # What is left, for kinds without a count or a credit: "Unlimited (included services)".
    balance_label: ClassVar[str] = ""

    def __repr__(self):
        return f"<Kind {self.package_type}>"

    def invoice_refusal(self) -> str | None:
        """Why a sale of the kind issues no GST invoice even when one is asked for; None when it can."""
        if self.taxed_at_sale:
            return None
        return f"{self.label} is a voucher: no GST invoice at sale; GST is charged when the credit is spent."

    @property
    def balance_kind(self) -> str:
        """Say what the balance counts: "sessions", "credit" or "" (nothing that falls)."""
        return "sessions" if self.has_sessions else "credit" if self.is_credit else ""

    @property
    def has_validity(self) -> bool:
        return "validity_months" in self.fields

    @property
    def list_columns(self) -> tuple[str, ...]:
        """The columns of the kind's template list in the admin: `admin_columns`, or one per field."""
        if self.admin_columns is not None:
            return self.admin_columns
        shown = {"validity_months": "validity", "benefit_percent": "benefit", "services_included": "included"}
        columns = [
            "discount" if name.startswith("discount_") else shown.get(name, name)
            for name in self.fields
            if name not in ("validity_days", "free_sessions")
        ]
        return tuple(columns)

    @property
    def discount_field(self) -> str | None:
        """The kind's discount percentage field (discount_percent, discount_percentage), if it has one."""
        return next((name for name in self.fields if name.startswith("discount_")), None)

    @property
    def input_fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name not in self.computed_fields)

    # --- the template ---------------------------------------------------------------------

    def compute(self, template: PackageTemplate) -> None:
        """Fill in the template's computed fields (free sessions, benefit %) from its inputs."""

    def clean(self, template: PackageTemplate) -> dict[str, str]:
        """Return what is wrong with the template that no database constraint can say."""
        return {}

    def list_price(self, template: PackageTemplate, service: Service | None = None) -> Money:
        """Return what the customer pays by default for the template."""
        return getattr(template, self.price_field)

    def default_expiry(self, template: PackageTemplate, start: date) -> date | None:
        """Return the expiry an assignment made on `start` gets: the template's validity."""
        months, days = getattr(template, "validity_months", None), getattr(template, "validity_days", None)
        if months:
            return start + relativedelta(months=months)  # 31 Jan + 1 month = 28/29 Feb
        if days:
            return start + timedelta(days=days)
        return None

    def validity_text(self, template: PackageTemplate) -> str:
        """Say how long the template is valid: "12 months", "60 days"."""
        return template.validity_text

    def sale_refusal(self, template: PackageTemplate, today: date) -> str | None:
        """Return why the template cannot be sold today (besides being withdrawn), or None."""
        return None

    # --- the assignment -------------------------------------------------------------------

    def sessions_granted(self, template: PackageTemplate) -> int:
        return 0

    def credit_granted(self, template: PackageTemplate) -> Decimal:
        return ZERO

    def tracker_rows(self, assignment: PackageAssignment, template: PackageTemplate) -> list[PackageBenefitTracker]:
        """Return the (unsaved) tracker rows an assignment of `template` gets."""
        raise NotImplementedError

    def tracker(self, assignment: PackageAssignment, **fields) -> PackageBenefitTracker:
        """Return one tracker row of `assignment`, valid as long as the assignment."""
        common = {
            "customer_id": assignment.customer_id,
            "assignment": assignment,
            "valid_from": assignment.assigned_on,
            "valid_until": assignment.expires_on,
            "is_active": assignment.status == AssignmentStatus.ACTIVE,
        }
        return PackageBenefitTracker(**{**common, **fields})

    # --- billing: what a Holding carries besides the balance --------------------------------

    def holding_annotations(self) -> dict:
        """Return queryset annotations (subqueries on the template) `holding_terms` reads.

        They join the billing read of a customer's packages, which is compiled once per
        database connection (`core.compiled`): an annotation may depend on the row and its
        template, never on the day, a setting or anything else that changes between calls.
        """
        return {}

    def prefetch_terms(self, template_ids) -> dict[int, dict]:
        """Return extra terms per template id (`template_ids` a subquery), in one query if any is needed."""
        return {}

    def holding_terms(self, assignment: PackageAssignment, trackers: list[PackageBenefitTracker], extra: dict) -> dict:
        """Return the `Holding` fields of this kind's terms (included services, discount, dates...)."""
        return {}

    # --- valuation (docs/journal.md) ----------------------------

    def value_left(self, values: AssignmentValues, on_date: date) -> Decimal:
        """Return the unrounded value a holding assignment still has on `on_date`."""
        raise NotImplementedError

    # The same value as an SQL expression in paise (`packages.valuation_sql`), given `on_date`
    # (a date or a date expression), so reports sum it in the database. None: reports value
    # the kind's rows in Python with `value_left`.
    value_left_sql: ClassVar[Callable[[date | Expression], Expression] | None] = None

    # --- texts ----------------------------------------------------------------------------

    def balance_text(self, assignment) -> str:
        """Say what is left on an assignment: "3/4 sessions", "₹16,320.00 of ₹17,500.00"."""
        if self.has_sessions:
            return f"{assignment.remaining_sessions}/{assignment.total_sessions} sessions"
        if self.is_credit:
            return f"{format_inr(assignment.credit_remaining)} of {format_inr(assignment.credit_amount)}"
        return self.balance_label

    def describe(self, template: PackageTemplate) -> str:
        """Say in a few words what a template gives, for a template picker."""
        raise NotImplementedError

    def summary(self, template: PackageTemplate) -> TemplateSummary:
        """Return the template's price, value and benefit as the /packages list shows them."""
        raise NotImplementedError


# --- shared pieces the kinds combine -------------------------------------------------------


def value_by_sessions(values: AssignmentValues, on_date: date) -> Decimal:
    """Remaining sessions x sale value / total sessions."""
    if not values.total_sessions:
        return ZERO
    return Decimal(values.remaining_sessions) * values.sale_value / values.total_sessions


def value_by_credit(values: AssignmentValues, on_date: date) -> Decimal:
    """Credit remaining x sale value / credit total (15,000 paid for 17,500: 16,320 left is 13,988.57)."""
    if not values.credit_total:
        return ZERO
    return values.credit_remaining * values.sale_value / values.credit_total


def value_by_time(values: AssignmentValues, on_date: date) -> Decimal:
    """Sale value x days left / days total, straight from assigned_on to expires_on.

    With no expiry the whole value is held until the package completes; before it
    starts, the whole value too.
    """
    if values.expires_on is None:
        return values.sale_value
    total = (values.expires_on - values.assigned_on).days
    left = (values.expires_on - max(on_date, values.assigned_on)).days
    if total <= 0:
        return values.sale_value
    return values.sale_value * Decimal(max(left, 0)) / total


def included_names(template: PackageTemplate) -> str:
    return ", ".join(service.name for service in template.services_included.all())


def no_service_refusal(template: PackageTemplate) -> str | None:
    """Refuse to sell a template of an included-services kind that includes none.

    Such a package would give nothing at the counter. The forms and the API refuse to create
    one, but a template kept from before that rule, or emptied since, could still be sold.
    """
    if template.services_included.exists():
        return None
    return f'"{template.name}" includes no service yet: tick its Services included before selling it.'
