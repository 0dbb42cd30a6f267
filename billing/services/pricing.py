"""Who may sell a package at another price, and at what GST rate a package is sold (docs/pricing.md).

Every sale path (the API, /assign-packages and the admin's "Assign & collect payment")
goes through `assignment_sell`, which asks here before it writes anything:

- `package_gst_rate`: the rate is the covered service's, or the kind's configured rate
  (`PACKAGE_GST_RATES`, then `PACKAGE_GST_RATE`); a caller may name it only to confirm it.
- `untaxed_sale_note`: a taxed kind sold without a tax invoice charges no GST, so it is
  the same permission's.
- `price_decision`: a sale at another price than the template's list price, or with a
  discount, needs `packages.override_package_price` (managers hold it), except a discount of
  at most `CASHIER_MAX_DISCOUNT_PERCENT` % (default 0). What was decided is said in words
  (`note`), kept on the assignment and its sale ledger row and printed on the receipt.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from catalog.models import Service
from core.money import ZERO, format_inr, quantize_money
from core.permissions import PERMISSIONS, user_may
from packages.models import PackageTemplate

from ..exceptions import BillingError

HUNDRED = Decimal("100")


class PriceOverrideRefused(BillingError):
    """A seller without the permission set another price or a discount beyond what a cashier may give."""

    default_message = "Only a manager may sell a package at another price than its list price."
    status_code = 403


class TaxRateMismatch(BillingError):
    default_message = "The GST rate of a package sale is the rate of what it covers."


def package_gst_rate(template: PackageTemplate, service: Service | None) -> Decimal:
    """Return the GST rate of a sale of `template`: the covered service's, or the kind's configured rate."""
    if service is not None:
        return Decimal(service.gst_rate)
    rates = getattr(settings, "PACKAGE_GST_RATES", {}) or {}
    rate = rates.get(template.kind.package_type, getattr(settings, "PACKAGE_GST_RATE", "5"))
    return Decimal(str(rate))


def confirm_tax_rate(asked: Decimal | None, rate: Decimal) -> None:
    """Refuse a `tax_rate` the caller sent that is not the sale's own rate (400 on the field)."""
    if asked is None or Decimal(asked) == rate:
        return
    message = (
        f"The GST rate of this package is {rate.normalize():f}%, set by what it covers; "
        f"{Decimal(asked).normalize():f}% cannot be chosen. Leave tax_rate out or send {rate.normalize():f}."
    )
    raise TaxRateMismatch(message, errors={"tax_rate": [message]})


def untaxed_sale_note(*, user) -> str:
    """Allow a taxed kind sold without a tax invoice (no GST: a price of its own) to the permission only."""
    if not user_may(user, "override_package_price"):
        message = (
            "Only a manager may sell this package without a tax invoice: its GST is charged when it is sold "
            f"(permission {PERMISSIONS['override_package_price']}). Nothing was sold."
        )
        raise PriceOverrideRefused(message, errors={"create": [message]})
    return f"Sold without a tax invoice by {user.get_username()}"


@dataclass(frozen=True)
class PriceDecision:
    """What a sale is charged against its list price, and the words that record it ("" at the list price)."""

    note: str = ""


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return HUNDRED if whole <= 0 else part * HUNDRED / whole


def cashier_discount_limit() -> Decimal:
    """The discount (% of the list price) a seller without the permission may give: CASHIER_MAX_DISCOUNT_PERCENT."""
    return Decimal(str(getattr(settings, "CASHIER_MAX_DISCOUNT_PERCENT", "0")))


def price_decision(
    *,
    user,
    list_price: Decimal,
    list_total: Decimal,
    gst_added: bool,
    price_paid: Decimal | None,
    discount: Decimal,
) -> PriceDecision:
    """Decide whether `user` may sell at `price_paid` (what the customer pays) or with `discount`.

    `list_price` is the template's price (pay_for x service price for a service package);
    `list_total` what the customer pays at it (plus GST where the sale is taxed:
    `gst_added`). A price below `list_total` is a discount of the difference; above it, a
    surcharge, which only the permission allows. A negative discount or one above the price
    is left to the assignment's own refusals (400).
    """
    discount = quantize_money(discount or ZERO)
    if discount < 0 or discount > list_price or (price_paid is not None and price_paid < 0):
        return PriceDecision()
    changes = []  # (words, the % off the list, field)
    if discount > 0:
        changes.append((f"Discount {format_inr(discount)}", _percent(discount, list_price), "discount"))
    if price_paid is not None and quantize_money(price_paid) != list_total:
        paid = quantize_money(price_paid)
        off = _percent(list_total - paid, list_total) if paid < list_total else None
        changes.append((f"Price set to {format_inr(paid)}", off, "price_paid"))
    if not changes:
        return PriceDecision()
    who = user.get_username() if user is not None else "nobody"
    list_words = f"list {format_inr(list_price)}{' + GST' if gst_added else ''}"
    note = "; ".join(f"{words} by {who}" for words, _, _ in changes) + f" ({list_words})"
    if user_may(user, "override_package_price"):
        return PriceDecision(note=note)
    limit = cashier_discount_limit()
    beyond = [(words, off, field) for words, off, field in changes if off is None or off > limit]
    if not beyond:
        return PriceDecision(note=note)
    words, _, field = beyond[0]
    allowed = f"a discount of at most {limit.normalize():f}% " if limit > 0 else "no discount "
    message = (
        f"Only a manager may sell this package at another price than its list price "
        f"({format_inr(list_total)}); without the permission ({PERMISSIONS['override_package_price']}) "
        f"{allowed}may be given. Nothing was sold."
    )
    raise PriceOverrideRefused(message, errors={field: [message]})


__all__ = [
    "PriceDecision",
    "PriceOverrideRefused",
    "TaxRateMismatch",
    "cashier_discount_limit",
    "confirm_tax_rate",
    "package_gst_rate",
    "price_decision",
    "untaxed_sale_note",
]
