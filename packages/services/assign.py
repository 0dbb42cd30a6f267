"""Create an assignment of any kind, with its tracker rows and its first ledger row."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Service
from customers.models import Customer
from spa_pkg.money import ZERO, inr, quantize_money

from ..exceptions import InvalidAssignment
from ..models import (
    AssignmentStatus,
    BenefitType,
    PackageAssignment,
    PackageBenefitTracker,
    PackageTemplate,
    PackageType,
    PackageUsage,
    UsageKind,
)


def tracker_rows_for(assignment: PackageAssignment, template: PackageTemplate) -> list[PackageBenefitTracker]:
    """Return the (unsaved) tracker rows an assignment of `template` should have."""
    common = {
        "customer_id": assignment.customer_id,
        "assignment": assignment,
        "valid_from": assignment.assigned_on,
        "valid_until": assignment.expires_on,
        "is_active": assignment.status == AssignmentStatus.ACTIVE,
    }
    kind = assignment.package_type
    if kind == PackageType.SERVICE_PACKAGE:
        return [
            PackageBenefitTracker(
                service_id=assignment.service_id,
                benefit_type=BenefitType.FREE,
                total_count=assignment.total_sessions,
                used_count=assignment.used_sessions,
                remaining_count=assignment.remaining_sessions,
                **common,
            )
        ]
    if kind in (PackageType.PREPAID, PackageType.KITTY_PARTY):
        return [
            PackageBenefitTracker(
                service=None,
                benefit_type=BenefitType.PREPAID,
                balance_total=assignment.credit_amount,
                balance_used=assignment.credit_used,
                balance_remaining=assignment.credit_remaining,
                **common,
            )
        ]
    if kind == PackageType.MEMBERSHIP:
        return [
            PackageBenefitTracker(service=service, benefit_type=BenefitType.UNLIMITED, **common)
            for service in template.services_included.all()
        ]
    if kind == PackageType.STUDENT_OFFER:
        return [
            PackageBenefitTracker(
                service=None,
                benefit_type=BenefitType.DISCOUNT,
                discount_percent=template.discount_percentage,
                **{**common, "valid_from": max(template.valid_from, assignment.assigned_on)},
            )
        ]
    if kind == PackageType.YEARLY_MEMBERSHIP:
        return [
            PackageBenefitTracker(
                service=None,
                benefit_type=BenefitType.DISCOUNT,
                discount_percent=template.discount_percent,
                **common,
            )
        ]
    raise InvalidAssignment(f"Unknown package kind {kind!r}.")


def _refuse(field: str, message: str):
    raise InvalidAssignment(message, errors={field: [message]})


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
) -> PackageAssignment:
    """Assign a template to a customer: the assignment, its trackers and the sale ledger row.

    `price_paid` is what the customer pays (left out: the list price less `discount`);
    `sale_value` is that less any GST charged on the sale (left out: the price paid).
    """
    today = timezone.localdate()
    assigned_on = assigned_on or today
    kind = template.package_type
    if not template.is_active:
        _refuse("package_id", f'"{template.name}" is no longer on sale.')
    if kind == PackageType.SERVICE_PACKAGE:
        if service is None:
            _refuse("service_id", "Choose the service this package covers.")
        if not service.is_active:
            _refuse("service_id", f'"{service.name}" is not an active service.')
    else:
        service = None
    if kind == PackageType.STUDENT_OFFER and template.valid_to < today:
        _refuse("package_id", f'"{template.name}" ended on {template.valid_to:%d %b %Y}.')

    expires_on = expires_on or template.default_expiry(assigned_on)
    if expires_on is not None and expires_on < today:
        _refuse("expires_on", "The expiry date is in the past.")
    if expires_on is not None and expires_on < assigned_on:
        _refuse("expires_on", "The package cannot expire before it is assigned.")

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

    sessions = template.total_services if kind == PackageType.SERVICE_PACKAGE else 0
    credit = template.after_value.amount if kind in (PackageType.PREPAID, PackageType.KITTY_PARTY) else ZERO
    assignment = PackageAssignment(
        customer=customer,
        package_type=kind,
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
        assigned_on=assigned_on,
        expires_on=expires_on,
        price_paid=inr(price_paid),
        sale_value=inr(sale_value),
        discount=inr(discount),
        created_by=created_by,
        notes=notes,
    )
    try:
        assignment.full_clean(exclude=["template_type", "template_id"])
    except ValidationError as exc:
        errors = exc.message_dict
        first = next(iter(errors.values()), ["The assignment is not valid."])[0]
        raise InvalidAssignment(first, errors=errors) from exc
    assignment.save()
    PackageBenefitTracker.objects.bulk_create(tracker_rows_for(assignment, template))
    PackageUsage.objects.create(
        assignment=assignment,
        kind=UsageKind.SALE,
        item_name=assignment.package_name,
        sessions_delta=sessions,
        sessions_before=0,
        sessions_after=sessions,
        credit_delta=inr(credit),
        credit_before=inr(0),
        credit_after=inr(credit),
        note="Package sold",
        created_by=created_by,
    )
    return assignment
