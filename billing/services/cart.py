"""Check a cart as the caller sends it: customer, items against the catalogue, discount,
guests, place of supply and payments. Preview and invoice share these checks.
"""
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils import timezone

from branches.models import Branch
from branches.selectors import default_branch
from catalog.models import Product, Service
from core.compiled import CompiledIdList, CompiledQuery, Row
from core.money import ZERO, quantize_money
from core.payments import TENDER_METHODS, TENDER_NAMES
from customers.models import Customer

from ..engine import LineInput
from ..exceptions import InsufficientStock, InvalidCart, UnknownCustomer


@dataclass(frozen=True)
class PaymentIn:
    """A payment as the caller gives it; `amount=None` takes whatever is due."""

    method: str
    amount: Decimal | None = None
    reference: str = ""


MAX_QUANTITY = 10_000

# Read on every preview and invoice: compiled once per connection (core.compiled). The plain
# managers: django-money's queryset wrappers only matter for Money lookups.
_CUSTOMER = CompiledQuery(
    lambda pk: Customer._base_manager.filter(pk=pk).values(*(f.attname for f in Customer._meta.concrete_fields))
)
_CATALOGUE_FIELDS = ("id", "name", "is_active", "price", "gst_rate")
_SERVICES = CompiledIdList(
    lambda ids: Service._base_manager.filter(pk__in=ids).values(*_CATALOGUE_FIELDS, "sac_code"), row_class=Row
)
_PRODUCTS = CompiledIdList(
    lambda ids: Product._base_manager.filter(pk__in=ids).values(*_CATALOGUE_FIELDS, "hsn_code", "stock_quantity"),
    row_class=Row,
)


@dataclass(frozen=True)
class CartItem:
    """One line as the caller sends it. `assignment_id`: None lets the rules choose, 0 means no package."""

    type: str
    id: int
    quantity: int
    staff_id: int | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class CheckedBill:
    """The checked input of a bill, apart from the items."""

    customer: Customer
    discount: Decimal
    use_credit: bool
    guests: int | None
    place_of_supply: str
    bill_date: date
    payments: tuple[PaymentIn, ...]
    branch: Branch


# -- input ------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _customer(customer) -> Customer:
    if isinstance(customer, Customer):
        return customer
    message = f"No customer with id {customer}."
    if not _is_int(customer) or customer <= 0:
        raise UnknownCustomer(message, errors={"customer_id": [message]})
    found = _CUSTOMER.run_models(Customer, pk=customer)
    if not found:
        raise UnknownCustomer(message, errors={"customer_id": [message]})
    return found[0]


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        message = f"{label} must be an amount in rupees, like 100.00."
        raise InvalidCart(message, errors={field: [message]})
    return quantize_money(amount)


def _payment(payment) -> PaymentIn:
    if isinstance(payment, PaymentIn):
        return payment
    if isinstance(payment, dict):
        return PaymentIn(
            method=payment.get("method", ""), amount=payment.get("amount"), reference=payment.get("reference") or ""
        )
    raise InvalidCart("A payment must name a method and an amount.", errors={"payments": ["Malformed payment."]})


def check_bill(
    *, customer, discount, use_credit, guests, place_of_supply, payments, bill_date, branch=None
) -> CheckedBill:
    """Check everything but the items and the payment totals; raise one error listing every problem."""
    errors: dict[str, list[str]] = defaultdict(list)
    discount = _decimal(discount if discount is not None else ZERO, "discount", "The discount")
    if discount < 0:
        errors["discount"].append("The discount cannot be negative.")
    if guests is not None and (not _is_int(guests) or guests < 1):
        errors["guests"].append("Guests must be a whole number of at least 1.")
    place_of_supply = (place_of_supply or "").strip()
    if place_of_supply and not (len(place_of_supply) == 2 and place_of_supply.isdigit()):
        errors["place_of_supply"].append("Use a two-digit GST state code, e.g. 29.")
    checked_payments = []
    without_amount = 0
    for number, raw in enumerate(payments or (), start=1):
        payment = _payment(raw)
        if payment.method not in TENDER_METHODS:
            errors["payments"].append(
                f'Payment {number}: "{payment.method}" is not a payment method; use {TENDER_NAMES} '
                "(credit is spent with use_credit)."
            )
        if payment.amount is None:
            without_amount += 1
        else:
            amount = _decimal(payment.amount, "payments", f"Payment {number}")
            if amount <= 0:
                errors["payments"].append(f"Payment {number}: the amount must be more than zero.")
            payment = PaymentIn(method=payment.method, amount=amount, reference=(payment.reference or "")[:80])
        checked_payments.append(payment)
    if without_amount > 1:
        errors["payments"].append("Only one payment may leave out its amount (it takes what is left to pay).")
    if errors:
        raise InvalidCart(summary_message(errors), errors=dict(errors))
    return CheckedBill(
        customer=_customer(customer),
        discount=discount,
        use_credit=bool(use_credit),
        guests=guests,
        place_of_supply=place_of_supply,
        bill_date=bill_date or timezone.localdate(),
        payments=tuple(checked_payments),
        branch=branch or default_branch(),
    )


def summary_message(errors: dict[str, list[str]]) -> str:
    messages = [message for field_errors in errors.values() for message in field_errors]
    if len(messages) == 1:
        return messages[0]
    return f"{messages[0]} (and {len(messages) - 1} more)"


def bill_fingerprint(bill: CheckedBill, items: Sequence) -> str:
    """Return a SHA-256 of the bill in canonical form: equal for the same bill however it was written.

    Amounts are compared as checked (100 and "100.00" are one discount), items and payments
    in their order; the bill date is the server's, so it is left out.
    """
    canonical = {
        "customer_id": bill.customer.pk,
        "items": [
            [item.type, item.id, item.quantity, item.staff_id, item.assignment_id] for item in map(_item, items or ())
        ],
        "discount": str(bill.discount),
        "use_credit": bill.use_credit,
        "guests": bill.guests,
        "place_of_supply": bill.place_of_supply,
        "payments": [
            [payment.method, None if payment.amount is None else str(payment.amount), payment.reference]
            for payment in bill.payments
        ],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _item(raw) -> CartItem:
    if isinstance(raw, CartItem):
        return raw
    if isinstance(raw, dict):
        return CartItem(
            type=raw.get("type"),
            id=raw.get("id"),
            quantity=raw.get("quantity", 1),
            staff_id=raw.get("staff_id"),
            assignment_id=raw.get("assignment_id"),
        )
    return CartItem(type=None, id=None, quantity=None)


def _item_errors(number: int, item: CartItem) -> list[str]:
    """What is wrong with the shape of one item (its type, id, quantity, staff and package)."""
    checks = [
        (item.type not in ("service", "product"), 'the type must be "service" or "product".'),
        (not _is_int(item.id) or item.id <= 0, "the id must be a positive whole number."),
        (
            not _is_int(item.quantity) or not 0 < item.quantity <= MAX_QUANTITY,
            f"the quantity must be a whole number from 1 to {MAX_QUANTITY}.",
        ),
        (
            item.staff_id is not None and (not _is_int(item.staff_id) or item.staff_id <= 0),
            "staff_id must be a positive whole number.",
        ),
        (
            item.assignment_id is not None and (not _is_int(item.assignment_id) or item.assignment_id < 0),
            "assignment_id must be a package id, or 0 for no package.",
        ),
    ]
    return [f"Item {number}: {message}" for wrong, message in checks if wrong]


def _refuse_items(errors: list[str], exception=InvalidCart) -> None:
    if errors:
        raise exception(summary_message({"items": errors}), errors={"items": errors})


@dataclass(frozen=True)
class _Catalogue:
    """The services, products and active staff the items name, read in one go."""

    services: dict
    products: dict
    staff: set

    @classmethod
    def read(cls, items: list[CartItem]) -> "_Catalogue":
        service_ids = {item.id for item in items if item.type == "service"}
        product_ids = {item.id for item in items if item.type == "product"}
        services = {row.id: row for row in _SERVICES.run(service_ids)}
        products = {row.id: row for row in _PRODUCTS.run(product_ids)}
        staff_ids = {item.staff_id for item in items if item.staff_id is not None}
        staff = (
            set(get_user_model().objects.filter(pk__in=staff_ids, is_active=True).values_list("pk", flat=True))
            if staff_ids
            else set()
        )
        return cls(services=services, products=products, staff=staff)

    def entry(self, item: CartItem):
        """The item's catalogue row (a values() row, read like the model), or None."""
        return (self.services if item.type == "service" else self.products).get(item.id)


def _line_input(position: int, item: CartItem, entry) -> LineInput:
    return LineInput(
        position=position,
        item_type=item.type,
        item_id=entry.id,
        name=entry.name,
        hsn_sac=entry.sac_code if item.type == "service" else entry.hsn_code,
        unit_price=quantize_money(entry.price),
        gst_rate=entry.gst_rate,
        quantity=item.quantity,
        staff_id=item.staff_id,
        assignment_id=item.assignment_id,
    )


def _catalogue_lines(items: list[CartItem], catalogue: _Catalogue, errors: list[str]) -> list[LineInput]:
    """Build a line for each item on sale; add to `errors` the items unknown, off sale or with unknown staff."""
    lines = []
    for position, item in enumerate(items):
        label = f"Item {position + 1}"
        entry = catalogue.entry(item)
        if entry is None:
            errors.append(f"{label}: unknown {item.type} {item.id}.")
            continue
        if not entry.is_active:
            errors.append(f"{label}: {entry.name} is no longer on sale.")
            continue
        if item.staff_id is not None and item.staff_id not in catalogue.staff:
            errors.append(f"{label}: unknown staff member {item.staff_id}.")
        lines.append(_line_input(position, item, entry))
    return lines


def _stock_shortages(lines: list[LineInput], products: dict) -> list[str]:
    """Each product wanted (over all its lines) beyond its stock."""
    wanted = defaultdict(int)
    for line in lines:
        if line.item_type == "product":
            wanted[line.item_id] += line.quantity
    return [
        f"{products[pk].name}: {count} wanted, {products[pk].stock_quantity} in stock."
        for pk, count in wanted.items()
        if count > products[pk].stock_quantity
    ]


def cart_lines(items: Sequence) -> list[LineInput]:
    """Check the items against the catalogue and the stock (again on locked rows when billing); build the lines."""
    if not items:
        message = "Add at least one service or product."
        raise InvalidCart(message, errors={"items": [message]})
    items = [_item(raw) for raw in items]
    _refuse_items([error for number, item in enumerate(items, start=1) for error in _item_errors(number, item)])
    catalogue = _Catalogue.read(items)
    errors: list[str] = []
    lines = _catalogue_lines(items, catalogue, errors)
    _refuse_items(errors)
    _refuse_items(_stock_shortages(lines, catalogue.products), InsufficientStock)
    return lines
