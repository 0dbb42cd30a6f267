"""Writes on customers. Import from here: `from customers.services import customer_create`."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.exceptions import DomainError
from core.phones import normalise_phone

from .consent import reminders_opt_out_set
from .models import Customer


class InvalidCustomer(DomainError):
    default_message = "The customer details are not valid."


def _validated_save(customer: Customer) -> Customer:
    errors: dict[str, list[str]] = {}
    # Normalise before full_clean: the GSTIN validator and the unique phone check
    # must see the stored forms, and a bad phone belongs to the "phone" field.
    customer.gstin = (customer.gstin or "").strip().upper()
    if customer.phone:
        try:
            customer.phone = normalise_phone(customer.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    try:
        customer.full_clean(exclude=["phone"] if errors else None)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            # Customer.clean() repeats the phone refusal without a field name.
            messages = [message for message in messages if message not in errors.get("phone", [])]
            if messages:
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidCustomer(errors=errors)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        # Two counters registering the same phone at once: the second loses the race.
        message = "A customer with this phone number already exists."
        raise InvalidCustomer(message, errors={"phone": [message]}) from exc
    return customer


def customer_create(
    *,
    name: str,
    phone: str,
    email: str = "",
    date_of_birth: date | None = None,
    state_code: str = "",
    gstin: str = "",
    address: str = "",
    notes: str = "",
    reminders_opt_out: bool = False,
    consent_how: str = "api",
    by=None,
) -> Customer:
    """Register a customer with a normalised phone (+91XXXXXXXXXX) and a checked GSTIN."""
    customer = Customer(
        name=(name or "").strip(),
        phone=phone or "",
        email=(email or "").strip(),
        date_of_birth=date_of_birth,
        state_code=(state_code or "").strip(),
        gstin=gstin or "",
        address=(address or "").strip(),
        notes=notes or "",
    )
    with transaction.atomic():
        _validated_save(customer)
        if reminders_opt_out:
            reminders_opt_out_set(customer=customer, opt_out=True, how=consent_how, by=by)
    return customer


def customer_update(*, customer: Customer, consent_how: str = "api", by=None, **fields) -> Customer:
    """Change a customer's details with the same checks as `customer_create`.

    `reminders_opt_out` is derived from the consent records: writing it records consent rows.
    """
    editable = {"name", "phone", "email", "date_of_birth", "state_code", "gstin", "address", "notes", "reminders_opt_out"}
    unknown = set(fields) - editable
    if unknown:
        raise InvalidCustomer(errors={name: ["This field cannot be changed."] for name in sorted(unknown)})
    opt_out = fields.pop("reminders_opt_out", None)
    for name, value in fields.items():
        setattr(customer, name, value if value is not None or name == "date_of_birth" else "")
    with transaction.atomic():
        _validated_save(customer)
        if opt_out is not None:
            reminders_opt_out_set(customer=customer, opt_out=opt_out, how=consent_how, by=by)
    return customer


def customers_create_many(customers: list[Customer], *, batch_size: int = 500) -> list[Customer]:
    """Register many new customers at once, checked as `customer_create` checks each (a spa going live brings thousands).

    Each comes unsaved with a normalised phone; one INSERT per batch. The caller has looked
    for their phones already; a phone registered meanwhile fails the whole batch (unique).
    """
    for customer in customers:
        customer.name = (customer.name or "").strip()
        customer.email = (customer.email or "").strip()
        try:
            # Uniqueness is the database's: a query per customer would cost more than the insert.
            customer.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise InvalidCustomer(errors=exc.message_dict) from exc
    try:
        with transaction.atomic():
            return Customer.objects.bulk_create(customers, batch_size=batch_size)
    except IntegrityError as exc:
        message = "A customer with one of these phone numbers was registered meanwhile."
        raise InvalidCustomer(message, errors={"phone": [message]}) from exc
