"""Two rules every path that takes money keeps, whatever page or API it comes from.

- **GST Rule 46** (docs/gst.md "Large invoices to unregistered customers"): a tax invoice of
  `RULE46_THRESHOLD` (₹50,000) or more, GST included, to a customer without a GSTIN carries the
  customer's address and state. The counter and the sale pages may type them with the sale
  (`BuyerDetails`); they are kept on the customer, in the sale's transaction, and the invoice
  snapshots them. Missing, the sale is refused and names `customer.address` / `customer.state_code`.
- **Income-tax s.269ST** (docs/money.md "The cash limit"): cash of `CASH_LIMIT_PER_DAY`
  (₹2,00,000) or more from one customer in one day is refused. Counted: cash payments received
  from the customer on that IST day on documents not voided (invoices, package sales, top-ups),
  plus the cash part of this one. Only the cash part of a split payment counts.

The services call the checks inside their transaction: the customer's row is locked before their
cash is counted (billing/locks.py, after the packages), so two counters taking cash from one
customer at once are counted one after the other. The counter's preview counts without a lock.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.db.models import DecimalField, Sum

from core.money import ZERO, format_inr, quantize_money
from core.payments import PaymentMethod
from customers.models import Customer
from customers.services import InvalidCustomer, customer_update

from ..exceptions import BuyerDetailsMissing, CashLimitExceeded
from ..locks import lock_customer
from ..models import InvoiceStatus, Payment

ADDRESS, STATE_CODE = "customer.address", "customer.state_code"
PAISA = Decimal("0.01")
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class BuyerDetails:
    """The customer's address and state as typed with a sale (blank: what the customer has on file)."""

    address: str = ""
    state_code: str = ""

    def changes(self) -> dict[str, str]:
        return {name: value.strip() for name, value in vars(self).items() if (value or "").strip()}


def rule46_threshold() -> Decimal:
    return quantize_money(Decimal(str(settings.RULE46_THRESHOLD)))


def cash_limit() -> Decimal:
    return quantize_money(Decimal(str(settings.CASH_LIMIT_PER_DAY)))


# -- GST Rule 46 ------------------------------------------------------------------------------


def rule46_applies(customer: Customer, total: Decimal) -> bool:
    """Whether an invoice of `total` (GST included) to `customer` must carry their address and state."""
    return not customer.gstin and total >= rule46_threshold()


def buyer_details_missing(customer: Customer, total: Decimal, buyer: BuyerDetails | None = None) -> dict[str, list[str]]:
    """Return the errors of what Rule 46 still needs (by `customer.address` / `customer.state_code`), or {}."""
    if not rule46_applies(customer, total):
        return {}
    typed = buyer.changes() if buyer else {}
    why = f"an invoice of {format_inr(rule46_threshold(), trim_paise=True)} or more to a customer without a GSTIN"
    errors = {}
    if not (typed.get("address") or customer.address.strip()):
        errors[ADDRESS] = [f"The customer's address is needed: {why} carries it (GST Rule 46)."]
    if not (typed.get("state_code") or customer.state_code):
        errors[STATE_CODE] = [f"The customer's state (GST state code, e.g. 29) is needed: {why} carries it (GST Rule 46)."]
    return errors


def rule46_message(errors: dict[str, list[str]]) -> str:
    what = " and ".join(words for key, words in ((ADDRESS, "address"), (STATE_CODE, "state")) if key in errors)
    return (
        f"Enter the customer's {what}: a tax invoice of {format_inr(rule46_threshold(), trim_paise=True)} or more "
        "to a customer without a GSTIN must carry them (GST Rule 46)."
    )


def rule46_check(*, customer: Customer, total: Decimal, buyer: BuyerDetails | None = None) -> None:
    """Refuse an invoice Rule 46 finds wanting; keep the address and state typed with it on the customer.

    Called inside the sale's transaction: a refusal later in the sale rolls the customer's change back too.
    """
    if not rule46_applies(customer, total):
        return
    errors = buyer_details_missing(customer, total, buyer)
    if errors:
        raise BuyerDetailsMissing(rule46_message(errors), errors=errors)
    if buyer and buyer.changes():
        try:
            customer_update(customer=customer, **buyer.changes())
        except InvalidCustomer as refusal:
            errors = {f"customer.{name}": messages for name, messages in refusal.errors.items()}
            raise BuyerDetailsMissing(" ".join(m for ms in errors.values() for m in ms), errors=errors) from None


# -- Income-tax s.269ST -----------------------------------------------------------------------


def cash_in(payments: Iterable, payable: Decimal) -> Decimal:
    """Return the cash part of `payments` (`PaymentIn`s); one without an amount takes what the others leave."""
    payments = list(payments)
    given = sum((payment.amount for payment in payments if payment.amount is not None), ZERO)
    cash = ZERO
    for payment in payments:
        if payment.method == PaymentMethod.CASH:
            cash += payable - given if payment.amount is None else quantize_money(payment.amount)
    return max(cash, ZERO)


def cash_taken(*, customer_id: int, day: date) -> Decimal:
    """Return the cash received from the customer on `day` (IST), voided invoices and package sales left out."""
    total = (
        Payment.objects.filter(customer_id=customer_id, method=PaymentMethod.CASH, received_at__date=day)
        .exclude(invoice__status=InvoiceStatus.CANCELLED)
        .aggregate(total=Sum("amount", output_field=MONEY))["total"]
    )
    return quantize_money(getattr(total, "amount", total) or ZERO)


def cash_limit_refusal(*, customer: Customer, cash: Decimal, day: date) -> str:
    """Return why `cash` more from `customer` on `day` would break the limit, or "" when it may be taken."""
    if cash <= 0:
        return ""
    limit = cash_limit()
    earlier = cash_taken(customer_id=customer.pk, day=day)
    if earlier + cash < limit:
        return ""
    # What cash may still be taken: up to a paisa under the limit; the rest by another method, to the rupee.
    room = max(limit - PAISA - earlier, ZERO)
    other = min(cash, (cash - room).quantize(Decimal("1"), rounding=ROUND_CEILING))
    already = f" {format_inr(earlier)} was already taken in cash from {customer.name} today." if earlier else ""
    return (
        f"Take {format_inr(other)} by card, UPI or bank transfer; cash from one person in one day must stay "
        f"under {format_inr(limit, trim_paise=True)} (Income-tax s.269ST).{already}"
    )


def cash_limit_check(*, customer: Customer, cash: Decimal, day: date, field: str) -> None:
    """Refuse `cash` more from `customer` on `day` if it brings the day's cash to the limit; the error goes on `field`.

    Called inside the sale's transaction: the customer's row is locked before their cash is counted.
    """
    if cash <= 0:
        return
    lock_customer(customer.pk)
    message = cash_limit_refusal(customer=customer, cash=cash, day=day)
    if message:
        raise CashLimitExceeded(message, errors={field: [message]})


__all__ = [
    "BuyerDetails",
    "buyer_details_missing",
    "cash_in",
    "cash_limit",
    "cash_limit_check",
    "cash_limit_refusal",
    "cash_taken",
    "rule46_applies",
    "rule46_check",
    "rule46_message",
    "rule46_threshold",
]
