"""Create an assignment of any kind, with its tracker rows and its first ledger row."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from branches.models import Branch
from branches.selectors import default_branch
from catalog.models import Service
from core.money import ZERO, inr, quantize_money
from customers.models import Customer

from ..exceptions import InvalidAssignment
from ..kinds import kind_for
from ..ledger import assignment_open
from ..models import (
    AssignmentStatus,
    JournalEvent,
    PackageAssignment,
    PackageBenefitTracker,
    PackageTemplate,
    UsageKind,
)
from ..rules import valid_only_at
from ..selectors import template_valid_at


def tracker_rows_for(assignment: PackageAssignment, template: PackageTemplate) -> list[PackageBenefitTracker]:
    """Return the (unsaved) tracker rows an assignment of `template` should have (the kind says which)."""
    return kind_for(assignment.package_type).tracker_rows(assignment, template)


def _refuse(field: str, message: str):
    raise InvalidAssignment(message, errors={field: [message]})


def renewal_start(renews: PackageAssignment, *, customer: Customer, today: date) -> date:
    """Return the day a renewal of `renews` starts: the day after it ends, or today if that has passed."""
    from .status import CLOSED

    if renews.customer_id != customer.pk:
        _refuse("renews_assignment_id", "A renewal is for the same customer as the package it renews.")
    if renews.status in CLOSED:
        _refuse("renews_assignment_id", f'"{renews.package_name}" was {renews.get_status_display().lower()}; it cannot be renewed.')
    if renews.expires_on is None:
        _refuse("renews_assignment_id", f'"{renews.package_name}" never expires; there is nothing to renew.')
    return max(renews.expires_on + timedelta(days=1), today)


def _covered_service(template: PackageTemplate, service: Service | None) -> Service | None:
    """The service the package covers: an active one when its kind is chosen at sale, else none."""
    if not template.kind.service_chosen_at_sale:
        return None
    if service is None:
        _refuse("service_id", "Choose the service this package covers.")
    if not service.is_active:
        _refuse("service_id", f'"{service.name}" is not an active service.')
    return service


def _check_on_sale(template: PackageTemplate) -> None:
    if not template.is_active:
        _refuse("package_id", f'"{template.name}" is no longer on sale.')


def _check_kind_sells(template: PackageTemplate, *, today: date) -> None:
    """Refuse what the template's kind will not sell today."""
    refusal = template.kind.sale_refusal(template, today)
    if refusal:
        _refuse("package_id", refusal)


def _check_sold_at(template: PackageTemplate, branch: Branch) -> None:
    """Refuse a template that lists branches at any other branch."""
    # The rule billing applies to its packages (packages.rules.valid_only_at), here at the sale.
    where = valid_only_at(template_valid_at(template), branch.code)
    if where:
        _refuse("package_id", f"This package is sold only at: {where}.")


def _expiry(template: PackageTemplate, expires_on: date | None, *, assigned_on: date, today: date) -> date | None:
    """The day the package expires (the template's default when none is given), never in the past."""
    expires_on = expires_on or template.default_expiry(assigned_on)
    if expires_on is not None and expires_on < today:
        _refuse("expires_on", "The expiry date is in the past.")
    if expires_on is not None and expires_on < assigned_on:
        _refuse("expires_on", "The package cannot expire before it is assigned.")
    return expires_on


@dataclass(frozen=True)
class _SalePrice:
    """The sale's money: the discount off the list price, what the customer pays and the value less GST."""

    discount: Decimal
    price_paid: Decimal
    sale_value: Decimal

    @classmethod
    def of(cls, template, service, *, discount, price_paid, sale_value) -> "_SalePrice":
        discount = quantize_money(discount or ZERO)
        list_price = quantize_money(template.list_price(service))
        if discount < 0:
            _refuse("discount", "The discount cannot be negative.")
        if discount > list_price:
            _refuse("discount", "The discount cannot be more than the price.")
        price_paid = list_price - discount if price_paid is None else quantize_money(price_paid)
        if price_paid < 0:
            _refuse("price_paid", "The price paid cannot be negative.")
        sale_value = price_paid if sale_value is None else quantize_money(sale_value)
        return cls(discount=discount, price_paid=price_paid, sale_value=sale_value)


def _new_assignment(
    template: PackageTemplate, service: Service | None, price: _SalePrice, **fields
) -> PackageAssignment:
    """The unsaved assignment: the kind's sessions and credit, the sale's money, `fields` as given; checked."""
    kind = template.kind
    sessions = kind.sessions_granted(template)
    credit = kind.credit_granted(template)
    assignment = PackageAssignment(
        package_type=kind.package_type,
        template=template,
        package_name=template.name if service is None else f"{template.name} – {service.name}",
        service=service,
        total_sessions=sessions,
        used_sessions=0,
        remaining_sessions=sessions,
        credit_amount=inr(credit),
        credit_used=inr(0),
        credit_remaining=inr(credit),
        status=AssignmentStatus.ACTIVE,
        price_paid=inr(price.price_paid),
        sale_value=inr(price.sale_value),
        discount=inr(price.discount),
        **fields,
    )
    try:
        assignment.full_clean(exclude=["template_type", "template_id"])
    except ValidationError as exc:
        errors = exc.message_dict
        first = next(iter(errors.values()), ["The assignment is not valid."])[0]
        raise InvalidAssignment(first, errors=errors) from exc
    return assignment


def _open_sold(assignment: PackageAssignment, template: PackageTemplate, price: _SalePrice, *, day) -> None:
    """Save the assignment with its trackers and its sale row (a `renewal` when it renews), dated `day`."""
    price_note = assignment.price_note
    assignment_open(
        assignment,
        trackers=lambda saved: tracker_rows_for(saved, template),
        event=JournalEvent.SALE if assignment.renews is None else JournalEvent.RENEWAL,
        kind=UsageKind.SALE,
        value=price.sale_value,
        paid=inr(price.price_paid),  # the sale's own money: a later top-up is its own row (the usage history)
        day=day,
        branch_id=assignment.branch.pk,
        note=f"Package sold. {price_note}" if price_note else "Package sold",
        user=assignment.created_by,
    )


@transaction.atomic
def assignment_create(
    *,
    customer: Customer,
    template: PackageTemplate,
    service: Service | None = None,
    price_paid: Decimal | None = None,
    sale_value: Decimal | None = None,
    discount: Decimal = ZERO,
    assigned_on: date | None = None,
    expires_on: date | None = None,
    notes: str = "",
    created_by=None,
    renews: PackageAssignment | None = None,
    branch: Branch | None = None,
    price_note: str = "",
    business_day: date | None = None,
) -> PackageAssignment:
    """Assign a template to a customer: the assignment, its trackers and the sale ledger row.

    `price_paid` is what the customer pays (left out: the list price less `discount`);
    `sale_value` is that less any GST charged on the sale (left out: the price paid).
    `renews`: the (locked) package this one renews; the new period starts the day after
    it ends (today if it has ended already), and the expiry follows from that start.
    `branch`: where it is sold (the first branch if none); a template that lists branches
    sells only there. `price_note`: who sold it at another price than the list price, and
    what (billing.services.pricing decides); the assignment keeps it and its sale row says it.
    `business_day`: the day its journal row is dated (a sale's bill date; today if None).
    The sale row (a `renewal` when it renews) holds the sale value (docs/journal.md).
    """
    today = timezone.localdate()
    if renews is not None:
        assigned_on = renewal_start(renews, customer=customer, today=today)
    assigned_on = assigned_on or today
    _check_on_sale(template)
    service = _covered_service(template, service)
    _check_kind_sells(template, today=today)
    branch = branch or default_branch()
    _check_sold_at(template, branch)
    expires_on = _expiry(template, expires_on, assigned_on=assigned_on, today=today)
    price = _SalePrice.of(template, service, discount=discount, price_paid=price_paid, sale_value=sale_value)
    assignment = _new_assignment(
        template, service, price, customer=customer, branch=branch, assigned_on=assigned_on, expires_on=expires_on,
        price_note=price_note, created_by=created_by, notes=notes, renews=renews,
    )
    _open_sold(assignment, template, price, day=business_day)
    return assignment
