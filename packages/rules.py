"""Benefit rules: pure code over objects in memory.

Billing builds one `Holding` per assignment the customer holds and one `LineRequest`
per cart line, then asks the rule of each holding's kind (`rule_for`, through the
kind registry) whether it covers the line (`is_eligible`) and what it gives (`apply`).
Nothing here touches the database; every result is a frozen dataclass, so preview and
invoice run the same code on the same kind of input.

Each kind's own rule lives in its kind's module (packages/kinds/); here are the base
class and the two rules kinds share as they are or extend: a percentage off services
(yearly membership; the student offer's dates and weekdays build on it) and credit
(prepaid; the kitty party's included services and guests build on it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from core.formats import format_date
from core.money import ZERO, quantize_money

from .kinds import kind_for
from .models import AssignmentStatus, BenefitType


class Terms(dict):
    """A kind's terms on a `Holding`: a mapping, hashable like the frozen holding that carries it."""

    def __hash__(self):
        return hash(frozenset(self.items()))


@dataclass(frozen=True)
class Holding:
    """What billing needs to know about one assignment: its terms and its balance."""

    assignment_id: int
    package_type: str
    name: str
    status: str
    assigned_on: date | None = None
    expires_on: date | None = None
    service_id: int | None = None
    service_name: str = ""
    remaining_sessions: int = 0
    credit_remaining: Decimal = ZERO
    # The branches its template lists, as (code, name) pairs; none: valid at every branch.
    valid_at: tuple[tuple[str, str], ...] = ()
    # Its kind's own terms, as the kind's `holding_terms` gives them (included services, discount,
    # dates, guests...): read by the kind's rule alone, so a new kind adds terms without a field here.
    terms: Terms = field(default_factory=lambda: Terms())

    def expiry_key(self) -> tuple:
        """Sort key: soonest expiry first, packages that never expire last."""
        return (self.expires_on is None, self.expires_on or date.max, self.assignment_id)


@dataclass(frozen=True)
class LineRequest:
    """One cart line as a rule sees it."""

    position: int
    item_type: str
    item_id: int
    name: str
    unit_price: Decimal
    quantity: int

    @property
    def is_service(self) -> bool:
        return self.item_type == "service"

    @property
    def gross(self) -> Decimal:
        return quantize_money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class BillContext:
    """What a rule may look at besides the line: the day and the head count."""

    bill_date: date
    guests: int | None = None
    branch_code: str = ""  # where the bill is made ("" : anywhere)


# After the sale: these hold nothing and never apply again.
CLOSED_STATUSES = frozenset({AssignmentStatus.REFUNDED, AssignmentStatus.TRANSFERRED, AssignmentStatus.CANCELLED})


class ReasonCode(StrEnum):
    WRONG_ITEM = "wrong_item"
    NONE_LEFT = "none_left"
    EXPIRED = "expired"
    PAUSED = "paused"
    NOT_STARTED = "not_started"
    INVALID_DAY = "invalid_day"
    TOO_FEW_GUESTS = "too_few_guests"
    CLOSED = "closed"  # refunded, transferred, or its sale voided
    OTHER_BRANCH = "other_branch"


@dataclass(frozen=True)
class Reason:
    """Why a package does not apply to a line, in words a cashier can read out."""

    code: ReasonCode
    message: str

    @property
    def is_about_this_item(self) -> bool:
        """Tell whether the package would cover the item but cannot now (more useful than "wrong item")."""
        return self.code != ReasonCode.WRONG_ITEM


@dataclass(frozen=True)
class BenefitResult:
    """What one package gives one line: units covered, sessions spent and the line's own discount."""

    assignment_id: int
    name: str
    benefit_type: str
    quantity_covered: int
    sessions_used: int
    discount: Decimal


def valid_only_at(valid_at: tuple[tuple[str, str], ...], branch_code: str | None) -> str:
    """Name the branches a template lists ("Indiranagar and Koramangala") when `branch_code` is not one of them.

    The one branch rule of a package, at billing and at sale: a template that lists no
    branch is valid at every branch. Answer "" where it may be used or sold.
    """
    if not valid_at or not branch_code or branch_code in dict(valid_at):
        return ""
    names = sorted(name for _, name in valid_at)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _day(value: date) -> str:
    return format_date(value)


class BenefitRule:
    """The interface every kind implements; the base checks what all kinds share."""

    benefit_type: ClassVar[str] = ""
    # Lower comes first: free session, then membership, then discount, then credit.
    priority: ClassVar[int] = 9
    is_tender: ClassVar[bool] = False

    def __init__(self, holding: Holding):
        self.holding = holding

    def term(self, name: str, default=None):
        """Return one of the holding's kind terms (`Holding.terms`), or `default` if its kind gave none."""
        return self.holding.terms.get(name, default)

    @property
    def quoted_name(self) -> str:
        return f'"{self.holding.name}"'

    def covers(self, line: LineRequest, context: BillContext) -> Reason | None:
        """Return why this kind of package never covers the line's item, or None when it does."""
        raise NotImplementedError

    def has_balance(self) -> bool:
        return True

    def empty_reason(self) -> Reason:
        return Reason(ReasonCode.NONE_LEFT, f"{self.quoted_name} has nothing left.")

    def is_eligible(self, line: LineRequest, context: BillContext) -> Reason | None:
        """Return why the package cannot be used on the line now, or None when it can."""
        holding = self.holding
        reason = self.covers(line, context)
        if reason is not None and reason.code == ReasonCode.WRONG_ITEM:
            return reason
        if holding.status == AssignmentStatus.PAUSED:
            return Reason(ReasonCode.PAUSED, f"{self.quoted_name} is paused.")
        if holding.status in CLOSED_STATUSES:
            label = AssignmentStatus(holding.status).label.lower()
            return Reason(ReasonCode.CLOSED, f"{self.quoted_name} was {label}.")
        where = valid_only_at(holding.valid_at, context.branch_code)
        if where:
            return Reason(ReasonCode.OTHER_BRANCH, f"{self.quoted_name} is valid at {where} only.")
        if holding.status == AssignmentStatus.EXPIRED or (
            holding.expires_on is not None and holding.expires_on < context.bill_date
        ):
            when = f" on {_day(holding.expires_on)}" if holding.expires_on else ""
            return Reason(ReasonCode.EXPIRED, f"{self.quoted_name} expired{when}.")
        if holding.assigned_on is not None and holding.assigned_on > context.bill_date:
            return Reason(ReasonCode.NOT_STARTED, f"{self.quoted_name} starts on {_day(holding.assigned_on)}.")
        if holding.status == AssignmentStatus.COMPLETED or not self.has_balance():
            return self.empty_reason()
        return reason

    def rank(self) -> tuple:
        """Sort key among eligible packages of any kind: best for the customer first."""
        return (self.priority, *self.holding.expiry_key())

    def apply(self, line: LineRequest) -> BenefitResult:
        """Return what the package gives the line (call only when `is_eligible` said None)."""
        raise NotImplementedError

    def _result(self, *, quantity_covered: int, sessions_used: int = 0, discount: Decimal = ZERO) -> BenefitResult:
        return BenefitResult(
            assignment_id=self.holding.assignment_id,
            name=self.holding.name,
            benefit_type=self.benefit_type,
            quantity_covered=quantity_covered,
            sessions_used=sessions_used,
            discount=quantize_money(discount),
        )


class PercentDiscountRule(BenefitRule):
    """A percentage off service prices; the best single discount wins (they do not stack)."""

    benefit_type = BenefitType.DISCOUNT.value
    priority = 2

    def covers(self, line, context):
        if not line.is_service:
            return Reason(ReasonCode.WRONG_ITEM, f"{self.quoted_name} gives a discount on services only.")
        return None

    def rank(self):
        return (self.priority, -self.term("discount_percent", ZERO), *self.holding.expiry_key())

    def apply(self, line):
        return self._result(
            quantity_covered=line.quantity, discount=line.gross * self.term("discount_percent", ZERO) / 100
        )


class CreditRule(BenefitRule):
    """Prepaid credit: a tender against the amount due, usable on anything."""

    benefit_type = BenefitType.PREPAID.value
    priority = 3
    is_tender = True
    # Whether the credit may also pay the bill's round-off (a general tender does).
    pays_round_off: ClassVar[bool] = True

    def covers(self, line, context):
        return None

    def has_balance(self):
        return self.holding.credit_remaining > 0

    def empty_reason(self):
        return Reason(ReasonCode.NONE_LEFT, f"{self.quoted_name} has no credit left.")

    def apply(self, line):
        # Credit pays money, not units; billing allocates it against the amount due.
        return self._result(quantity_covered=0)


def rule_for(holding: Holding) -> BenefitRule:
    """Return the rule of the holding's kind, bound to it."""
    return kind_for(holding.package_type).rule(holding)
