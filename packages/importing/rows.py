"""Check one row of the file and work out the package it brings in, or say in plain words what is wrong.

Nothing here writes. `Lookups` holds what the rows are checked against, read once for the
whole file (the kinds, templates, services, the customers already registered by phone and
the references already brought in), so checking 10,000 rows costs a handful of queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import get_format

from catalog.models import Service
from core.money import ZERO, format_inr, parse_rupees, quantize_money
from core.phones import format_phone, normalise_phone
from customers.models import Customer

from ..kinds import all_kinds, kind_for
from ..kinds.base import Kind
from ..ledger import releases_by_time
from ..models import AssignmentStatus, PackageAssignment, latest_expiry
from ..valuation import AssignmentValues, assignment_money_left
from .files import cell_text

PAISA = Decimal("0.01")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
MAX_REFERENCE = PackageAssignment._meta.get_field("import_reference").max_length
MAX_NAME = Customer._meta.get_field("name").max_length


class RowError(ValueError):
    """What is wrong with one cell, in plain words ("phone 98450-1234 has 9 digits")."""


def numbers_in(text: str) -> tuple[Decimal, ...]:
    """Return the numbers written in `text`, commas of Indian or Western grouping ignored ("₹15,000, 3+1")."""
    return tuple(Decimal(match.replace(",", "")) for match in NUMBER.findall(text))


def _in_chunks(queryset, field_name: str, values, size: int = 5000):
    """The rows whose `field_name` is one of `values`, a few thousand per query (SQLite takes 32,766 parameters)."""
    values = sorted(set(values))
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start:start + size]})


def _runs_in(wanted: tuple, numbers: tuple) -> bool:
    """Tell whether `wanted` appears in `numbers` as a run: (15,) in (100000, 15, 12); (3, 1) in (3, 1)."""
    return any(numbers[start:start + len(wanted)] == wanted for start in range(len(numbers) - len(wanted) + 1))


def _words(text) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


@dataclass
class Lookups:
    """What every row is checked against, read once."""

    kinds: dict[str, Kind]
    templates: dict[str, list]  # by package_type
    services: dict[str, Service]  # by name, casefolded
    customers: dict[str, Customer]  # by stored phone
    imported: set[str]  # references already brought in
    today: date
    _terms: dict = field(default_factory=dict)

    @classmethod
    def load(cls, *, phones: list[str], references: list[str], today: date) -> Lookups:
        kinds = {}
        templates = {}
        for kind in all_kinds():
            kinds[_words(kind.package_type)] = kinds[_words(kind.label)] = kind
            queryset = kind.model.objects.all()
            if hasattr(kind.model, "services_included"):
                queryset = queryset.prefetch_related("services_included")
            templates[kind.package_type] = list(queryset)
        return cls(
            kinds=kinds,
            templates=templates,
            services={_words(service.name): service for service in Service.objects.all()},
            customers={customer.phone: customer for customer in _in_chunks(Customer.objects, "phone", phones)},
            imported={
                assignment.import_reference for assignment in _in_chunks(
                    PackageAssignment.objects.only("import_reference"), "import_reference", references
                )
            },
            today=today,
        )

    def kind(self, text) -> Kind:
        found = self.kinds.get(_words(text))
        if found is None:
            labels = ", ".join(kind.label for kind in all_kinds())
            raise RowError(f'kind "{text}" is not one of: {labels}' if text else f"kind is empty; it is one of: {labels}")
        return found

    def template(self, kind: Kind, text: str):
        """Find the template by its name, or else by its terms: numbers of its description, in order.

        The description is the kind's own (`Kind.describe`, as the template pickers show it):
        "3+1 sessions of the service you choose" is found by "3+1", "pay ₹15,000, get ₹17,500
        credit" by "15000 17500", "₹1,00,000, 15% off for 12 months" by "15%".
        """
        if not text:
            raise RowError("package is empty; give the template's name or its terms, e.g. 3+1")
        key = (kind.package_type, _words(text))
        if key not in self._terms:  # thousands of rows name a handful of templates: each is looked for once
            self._terms[key] = self._find_template(kind, text)
        found = self._terms[key]
        if isinstance(found, str):
            raise RowError(found)
        return found

    def _find_template(self, kind: Kind, text: str):
        """Return the one template `text` names, or why none is (a message)."""
        candidates = self.templates[kind.package_type]
        named = [template for template in candidates if _words(template.name) == _words(text)]
        if not named and numbers_in(text):
            wanted = numbers_in(text)
            named = [template for template in candidates if _runs_in(wanted, numbers_in(kind.describe(template)))]
        if not named:
            return f'no {kind.label.lower()} is named "{text}" or has the terms "{text}"'
        if len(named) > 1:
            names = ", ".join(f'"{template.name}"' for template in named)
            return f'"{text}" fits {len(named)} {kind.label.lower()} templates ({names}); give the name'
        return named[0]

    def service(self, kind: Kind, text: str) -> Service | None:
        if not kind.service_chosen_at_sale:
            if text:
                raise RowError(f"service is only for a package that covers one service, not a {kind.label.lower()}; leave it empty")
            return None
        if not text:
            raise RowError(f"service is empty; a {kind.label.lower()} covers one service")
        service = self.services.get(_words(text))
        if service is None:
            raise RowError(f'service "{text}" is not in the catalogue')
        if not service.is_active:
            raise RowError(f'service "{text}" is not an active service')
        return service


# -- cells ------------------------------------------------------------------------------------


def phone_of(value) -> str:
    """Return the phone as stored (+91XXXXXXXXXX), or say what is wrong with it ("phone 98450-1234 has 9 digits...")."""
    text = cell_text(value).strip()
    if not text:
        raise RowError("phone is empty")
    try:
        return normalise_phone(text)
    except ValidationError as exc:
        raise RowError(f"phone {exc.messages[0].rstrip('.')}") from None


def amount_of(value, column: str, *, required: bool = True) -> Decimal | None:
    """Read an amount ("1,05,400.50", "₹ 2,332", 3600); never below zero, at most two places of paise."""
    text = cell_text(value).replace("Rs.", "").replace("Rs", "").strip()
    if not text:
        if required:
            raise RowError(f"{column} is empty")
        return None
    try:
        amount = parse_rupees(text)
    except ValueError:
        raise RowError(f'{column} "{text}" is not an amount') from None
    if amount < 0:
        raise RowError(f"{column} {text} is below zero")
    if quantize_money(amount) != amount:
        raise RowError(f"{column} {text} has more than two places of paise")
    return amount


def count_of(value, column: str) -> int | None:
    text = cell_text(value).strip()
    if not text:
        return None
    if not text.isdigit():
        raise RowError(f'{column} "{text}" is not a whole number')
    return int(text)


def date_of(value, column: str) -> date | None:
    """Read a day as a spa writes it (23-05-2027, 23/05/2027, 2027-05-23, 23 May 2027) or as Excel stores it."""
    if isinstance(value, date):
        return value
    text = cell_text(value).strip()
    if not text:
        return None
    for pattern in get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(f'{column} "{text}" is not a date; write it as 23-05-2027')


# -- one row ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of the file: its cells, and what it brings in or why it cannot."""

    number: int
    cells: dict
    errors: list[str] = field(default_factory=list)
    already: bool = False  # brought in by an earlier run (same reference)
    phone: str = ""
    customer: Customer | None = None  # registered already (None: a new customer)
    kind: Kind | None = None
    template: object = None
    service: Service | None = None
    sessions_left: int = 0
    credit_left: Decimal = ZERO
    price_paid: Decimal = ZERO
    value: Decimal = ZERO
    value_stated: bool = False  # the file gives the value left (else: price paid x left / total)
    sale_value: Decimal = ZERO
    sold_on: date | None = None
    expires_on: date | None = None
    reference: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))

    @property
    def status(self) -> str:
        """"bad", "already" (its reference is in) or "new", for the preview."""
        return "bad" if self.errors else "already" if self.already else "new"

    @property
    def phone_shown(self) -> str:
        return format_phone(self.phone) if self.phone else self.text("phone")

    @property
    def price_shown(self) -> str:
        return self.text("price paid") if self.errors else format_inr(self.price_paid)

    @property
    def customer_name(self) -> str:
        return self.customer.name if self.customer is not None else self.text("name")

    @property
    def left_text(self) -> str:
        """Say what is left, as the preview shows it: "3 sessions", "₹12,400.00", or the kind's benefit."""
        if self.kind is None or self.errors:
            return self.text("sessions left") or self.text("credit left")
        if self.kind.has_sessions:
            return f"{self.sessions_left} of {self.kind.sessions_granted(self.template)} sessions"
        if self.kind.is_credit:
            return f"{format_inr(self.credit_left)} of {format_inr(self.kind.credit_granted(self.template))}"
        return self.kind.balance_label

    def refuse(self, error: RowError) -> None:
        self.errors.append(f"row {self.number}: {error}")


def check_row(row: Row, lookups: Lookups, seen: dict[str, int]) -> Row:
    """Check every cell of `row` (each error is kept, in plain words) and work out its balance and value."""
    for step in (_customer, _package, _dates, _reference):
        try:
            step(row, lookups, seen)
        except RowError as error:
            row.refuse(error)
    if row.ok and not row.already:
        try:
            _balance(row, lookups)
        except RowError as error:
            row.refuse(error)
    return row


def _customer(row: Row, lookups: Lookups, seen) -> None:
    row.phone = phone_of(row.cells.get("phone"))
    row.customer = lookups.customers.get(row.phone)
    if row.customer is None:
        name = row.text("name").strip()
        if not name:
            raise RowError("name is empty; a new customer needs one")
        if len(name) > MAX_NAME:
            raise RowError(f"name is longer than {MAX_NAME} characters")
    email = row.text("email").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"email {email} is not an e-mail address") from None


def _package(row: Row, lookups: Lookups, seen) -> None:
    row.kind = lookups.kind(row.text("kind").strip())
    row.template = lookups.template(row.kind, row.text("package").strip())
    row.service = lookups.service(row.kind, row.text("service").strip())
    row.price_paid = amount_of(row.cells.get("price paid"), "price paid")
    stated = amount_of(row.cells.get("value left"), "value left", required=False)
    row.value_stated = stated is not None
    row.value = stated if row.value_stated else ZERO


def _dates(row: Row, lookups: Lookups, seen) -> None:
    row.sold_on = date_of(row.cells.get("sold on"), "sold on")
    if row.sold_on is None:
        raise RowError("sold on is empty")
    if row.sold_on > lookups.today:
        raise RowError(f"sold on {cell_text(row.sold_on)} is after today")
    row.expires_on = date_of(row.cells.get("expires on"), "expires on")
    if row.expires_on is None and row.template is not None:
        row.expires_on = row.template.default_expiry(row.sold_on)
    if row.expires_on is None:
        return
    if row.expires_on < lookups.today:
        raise RowError(f"expires on {cell_text(row.expires_on)} has passed; the package is no longer in force")
    if row.expires_on < row.sold_on:
        raise RowError(f"expires on {cell_text(row.expires_on)} is before sold on {cell_text(row.sold_on)}")
    if row.expires_on > latest_expiry(lookups.today):
        raise RowError(f"expires on {cell_text(row.expires_on)} is more than 50 years ahead")


def _reference(row: Row, lookups: Lookups, seen: dict[str, int]) -> None:
    row.reference = row.text("reference").strip()
    if not row.reference:
        raise RowError("reference is empty; the earlier system's reference lets a second run skip what is in already")
    if len(row.reference) > MAX_REFERENCE:
        raise RowError(f"reference is longer than {MAX_REFERENCE} characters")
    first = seen.setdefault(row.reference, row.number)
    if first != row.number:
        raise RowError(f'reference "{row.reference}" is also on row {first}')
    row.already = row.reference in lookups.imported


def _balance(row: Row, lookups: Lookups) -> None:
    """Work out what is left (sessions, credit or days) and the value held: the spa's, or price paid x left / total."""
    kind, template = row.kind, row.template
    sessions_total, credit_total = kind.sessions_granted(template), kind.credit_granted(template)
    sessions = count_of(row.cells.get("sessions left"), "sessions left")
    credit = amount_of(row.cells.get("credit left"), "credit left", required=False)
    if kind.has_sessions:
        if not sessions:
            raise RowError("sessions left is empty or 0; a package in force has sessions left")
        if sessions > sessions_total:
            raise RowError(f"sessions left {sessions} is more than the {sessions_total} the package gives")
        row.sessions_left = sessions
    elif sessions is not None:
        raise RowError(f"sessions left is only for packages with sessions, not a {kind.label.lower()}")
    if kind.is_credit:
        if not credit:
            raise RowError("credit left is empty or 0; a package in force has credit left")
        if credit > credit_total:
            raise RowError(f"credit left {format_inr(credit)} is more than the {format_inr(credit_total)} the package gives")
        row.credit_left = credit
    elif credit is not None:
        raise RowError(f"credit left is only for credit packages, not a {kind.label.lower()}")
    values = AssignmentValues(
        package_type=kind.package_type, status=AssignmentStatus.ACTIVE, assigned_on=row.sold_on,
        expires_on=row.expires_on, sale_value=row.price_paid, total_sessions=sessions_total,
        remaining_sessions=row.sessions_left, credit_total=credit_total, credit_remaining=row.credit_left,
    )
    row.sale_value = row.price_paid
    if not row.value_stated:
        row.value = assignment_money_left(values, lookups.today, paid=row.price_paid)
    elif releases_by_time(kind.package_type):
        row.sale_value = _time_sale_value(values, row.value, lookups.today)


def _share(values: AssignmentValues, today: date) -> Decimal:
    """The share of its sale value a package holds today by its kind's rule (days left / days, for a time kind)."""
    return kind_for(values.package_type).value_left(replace(values, sale_value=Decimal(1)), today)


def _time_sale_value(values: AssignmentValues, stated: Decimal, today: date) -> Decimal:
    """The sale value whose straight line (docs/journal.md "Time kinds") is worth `stated` today, to the paisa.

    A membership's value falls by the day from its sale value to nothing at expiry; one
    brought in at the spa's own value falls from there, so the liability, which reads the
    line, and the journal agree on the day it is brought in.
    """
    share = _share(values, today)
    if not share:
        return stated
    sale_value = (stated / share).quantize(PAISA, rounding=ROUND_DOWN)
    while quantize_money(sale_value * share) < stated:  # a paisa or two, at most
        sale_value += PAISA
    return sale_value
