"""Compute a bill: package benefits, discounts, GST per line, round-off, credit. Pure.

`compute_bill` takes the cart lines and the customer's holdings (frozen objects read
by the caller) and returns a frozen `BillComputation`. The preview and the invoice
call it the same way, so they cannot disagree; the invoice calls it a second time on
the rows it has locked, and writes what it returns.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from core.money import ZERO, format_inr, money_str, quantize_money
from packages.models import BenefitType
from packages.rules import BenefitResult, BillContext, Holding, LineRequest, Reason, rule_for

from .exceptions import InvalidCart
from .tax import line_tax, round_off, taxable_from

SUMMARY_FIELDS = (
    "package_subtotal",
    "services_subtotal",
    "products_subtotal",
    "subtotal",
    "discount",
    "cgst",
    "sgst",
    "igst",
    "round_off",
    "grand_total",
    "credit_applied",
    "amount_payable",
)
NO_PACKAGE = 0


@dataclass(frozen=True)
class LineInput:
    """A cart line with its catalogue facts (price, rate, code) already looked up."""

    position: int
    item_type: str
    item_id: int
    name: str
    hsn_sac: str
    unit_price: Decimal
    gst_rate: Decimal
    quantity: int
    staff_id: int | None = None
    # None: the rules choose; 0: no package; an id: the cashier's choice.
    assignment_id: int | None = None

    def request(self) -> LineRequest:
        return LineRequest(
            position=self.position,
            item_type=self.item_type,
            item_id=self.item_id,
            name=self.name,
            unit_price=self.unit_price,
            quantity=self.quantity,
        )


@dataclass(frozen=True)
class PackageApplied:
    assignment_id: int
    name: str
    benefit_type: str
    quantity_covered: int

    def as_json(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "name": self.name,
            "benefit_type": self.benefit_type,
            "quantity_covered": self.quantity_covered,
        }


@dataclass(frozen=True)
class CreditUse:
    """Credit of one assignment paying (part of) one line."""

    assignment_id: int
    position: int
    amount: Decimal


@dataclass(frozen=True)
class LineResult:
    line: LineInput
    gross: Decimal
    benefit_discount: Decimal
    bill_discount: Decimal
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    total: Decimal
    benefit: BenefitResult | None
    package_applied: PackageApplied | None
    package_note: str | None
    credit_paid: Decimal = ZERO

    @property
    def discount(self) -> Decimal:
        return self.benefit_discount + self.bill_discount

    @property
    def is_redeemed(self) -> bool:
        """Tell whether GST on (part of) the line was paid when the package was sold."""
        return self.benefit is not None and self.benefit.benefit_type in (BenefitType.FREE, BenefitType.UNLIMITED)

    def as_json(self) -> dict:
        line = self.line
        return {
            "type": line.item_type,
            "id": line.item_id,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": money_str(line.unit_price),
            "gross": money_str(self.gross),
            "discount": money_str(self.discount),
            "taxable_value": money_str(self.taxable_value),
            "gst_rate": money_str(line.gst_rate),
            "cgst": money_str(self.cgst),
            "sgst": money_str(self.sgst),
            "igst": money_str(self.igst),
            "total": money_str(self.total),
            "package_applied": self.package_applied.as_json() if self.package_applied else None,
            "package_note": self.package_note,
        }


@dataclass(frozen=True)
class Summary:
    package_subtotal: Decimal
    services_subtotal: Decimal
    products_subtotal: Decimal
    subtotal: Decimal
    discount: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    round_off: Decimal
    grand_total: Decimal
    credit_applied: Decimal
    amount_payable: Decimal

    def as_json(self) -> dict:
        return {name: money_str(getattr(self, name)) for name in SUMMARY_FIELDS}


@dataclass(frozen=True)
class BillComputation:
    """Everything a bill shows and everything an invoice must write."""

    lines: tuple[LineResult, ...]
    summary: Summary
    credit_uses: tuple[CreditUse, ...]
    bill_date: date
    guests: int | None = None
    place_of_supply: str = ""

    def as_json(self) -> dict:
        """Return `{"lines": [...], "summary": {...}}` exactly as the contract shows it."""
        return {"lines": [line.as_json() for line in self.lines], "summary": self.summary.as_json()}

    @property
    def spent_assignment_ids(self) -> set[int]:
        ids = {line.benefit.assignment_id for line in self.lines if line.benefit is not None}
        return ids | {use.assignment_id for use in self.credit_uses}

    def credit_by_assignment(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = {}
        for use in self.credit_uses:
            totals[use.assignment_id] = totals.get(use.assignment_id, ZERO) + use.amount
        return totals


def _refuse(field: str, message: str):
    raise InvalidCart(message, errors={field: [message]})


def _note_for(reasons: list[tuple[tuple, Reason]]) -> str:
    """Pick the reason a cashier most needs: a package for this very item beats "wrong service"."""
    if not reasons:
        return "The customer holds no package."
    reasons = sorted(reasons, key=lambda pair: pair[0])
    for _, reason in reasons:
        if reason.is_about_this_item:
            return reason.message
    if len(reasons) == 1:
        return reasons[0][1].message
    return "No package the customer holds covers this item."


def _line_benefit(
    line: LineInput, holdings: dict[int, Holding], context: BillContext
) -> tuple[BenefitResult | None, str | None]:
    """Choose the line's own benefit (free session, membership, discount) or say why there is none."""
    request = line.request()
    if line.assignment_id == NO_PACKAGE:
        return None, "No package: the cashier chose none for this line."
    if line.assignment_id is not None:
        holding = holdings.get(line.assignment_id)
        label = f"Item {line.position + 1}"
        if holding is None:
            _refuse("items", f"{label}: package {line.assignment_id} is not one of this customer's packages.")
        rule = rule_for(holding)
        reason = rule.is_eligible(request, context)
        if reason is not None:
            _refuse("items", f"{label}: {reason.message}")
        if rule.is_tender:
            return None, None  # the chosen credit pays the line; see _allocate_credit
        return rule.apply(request), None

    candidates, reasons = [], []
    for holding in holdings.values():
        rule = rule_for(holding)
        reason = rule.is_eligible(request, context)
        if reason is not None:
            reasons.append((rule.rank(), reason))
        elif not rule.is_tender:
            candidates.append(rule)
    if candidates:
        best = min(candidates, key=lambda rule: rule.rank())
        return best.apply(request), None
    return None, _note_for(reasons)


def _split_bill_discount(discount: Decimal, values: list[Decimal]) -> list[Decimal]:
    """Split a bill discount in proportion to the values; the last line takes the remainder."""
    shares = [ZERO] * len(values)
    if discount == 0:
        return shares
    total = sum(values, ZERO)
    if discount > total:
        _refuse("discount", f"The discount of {format_inr(discount)} is more than the bill, {format_inr(total)}.")
    positions = [index for index, value in enumerate(values) if value > 0]
    taken = ZERO
    for index in positions[:-1]:
        shares[index] = quantize_money(discount * values[index] / total)
        taken += shares[index]
    shares[positions[-1]] = discount - taken
    return shares


class _CreditTill:
    """What is still due, bill and line by line, and what each credit has left, as credit pays the bill."""

    def __init__(self, lines: list[LineResult], holdings: dict[int, Holding], grand_total: Decimal):
        self.line_due = {result.line.position: result.total for result in lines}
        self.extra_due = grand_total - sum(self.line_due.values(), ZERO)  # the round-off, payable by general credit
        self.due = grand_total
        self.remaining = {hid: holding.credit_remaining for hid, holding in holdings.items()}
        self.uses: list[CreditUse] = []

    def pay(self, holding: Holding, positions: list[int], *, with_round_off: bool) -> None:
        """Pay `positions` from `holding` as far as its credit goes (and the round-off, if it may)."""
        limit = sum((self.line_due[p] for p in positions), ZERO)
        if with_round_off:
            limit = max(limit + self.extra_due, ZERO)
        take = min(self.remaining[holding.assignment_id], limit, self.due)
        if take <= 0:
            return
        paid, left = self._spread(take, positions)
        if left > 0:  # the rest of the take is the round-off; it rides on the last line paid
            last = next(reversed(paid)) if paid else positions[-1]
            paid[last] = paid.get(last, ZERO) + left
            self.extra_due -= left
        self.uses.extend(CreditUse(holding.assignment_id, position, amount) for position, amount in paid.items())
        self.remaining[holding.assignment_id] -= take
        self.due -= take

    def _spread(self, take: Decimal, positions: list[int]) -> tuple[dict[int, Decimal], Decimal]:
        """Pay the lines in order from `take`; return what each got and what is left of it."""
        paid: dict[int, Decimal] = {}
        for position in positions:
            part = min(self.line_due[position], take)
            if part > 0:
                paid[position] = part
                self.line_due[position] -= part
                take -= part
        return paid, take

    def is_due(self, result: LineResult) -> bool:
        return result.line.assignment_id != NO_PACKAGE and self.line_due[result.line.position] > 0

    def pay_round_off(self) -> None:
        """Credit paid every line: it pays the round-off too, so the amount payable is 0.00 (docs/money.md),
        never the round-off paise (a kitty party's credit, or a credit chosen line by line)."""
        if self.due <= 0 or not self.uses or any(left > 0 for left in self.line_due.values()):
            return
        for holding_id in dict.fromkeys(use.assignment_id for use in self.uses):
            take = min(self.remaining[holding_id], self.due)
            if take > 0:
                last = [use.position for use in self.uses if use.assignment_id == holding_id][-1]
                self.uses.append(CreditUse(holding_id, last, take))
                self.remaining[holding_id] -= take
                self.due -= take

    def merged_uses(self) -> list[CreditUse]:
        """One use per credit and line, in the order they were first made."""
        merged: dict[tuple[int, int], Decimal] = {}
        for use in self.uses:
            key = (use.assignment_id, use.position)
            merged[key] = merged.get(key, ZERO) + use.amount
        return [CreditUse(hid, position, amount) for (hid, position), amount in merged.items()]


def _chosen_credit(lines: list[LineResult], holdings: dict[int, Holding]) -> dict[int, list[int]]:
    """The credits the cashier chose, each with the lines it was chosen for."""
    chosen: dict[int, list[int]] = {}
    for result in lines:
        chosen_id = result.line.assignment_id
        if chosen_id and chosen_id in holdings and rule_for(holdings[chosen_id]).is_tender:
            chosen.setdefault(chosen_id, []).append(result.line.position)
    return chosen


def _credit_notes(
    lines: list[LineResult], credit_rules: list, till: _CreditTill, context: BillContext
) -> dict[int, str]:
    """Say on each line still due that a credit the customer holds could pay it."""
    notes: dict[int, str] = {}
    for result in lines:
        if not till.is_due(result):
            continue
        request = result.line.request()
        for rule in credit_rules:
            if rule.is_eligible(request, context) is None and till.remaining[rule.holding.assignment_id] > 0:
                notes[result.line.position] = f"{rule.quoted_name} credit can pay this line: choose to use credit."
                break
    return notes


def _allocate_credit(
    lines: list[LineResult],
    holdings: dict[int, Holding],
    context: BillContext,
    *,
    use_credit: bool,
    grand_total: Decimal,
) -> tuple[list[CreditUse], dict[int, str]]:
    """Pay the bill from credit, soonest expiry first: explicit choices, then (use_credit) the rest."""
    till = _CreditTill(lines, holdings, grand_total)
    for holding_id, positions in _chosen_credit(lines, holdings).items():
        till.pay(holdings[holding_id], positions, with_round_off=False)  # the cashier chose it for these lines only

    credit_rules = sorted(
        (rule_for(holding) for holding in holdings.values() if rule_for(holding).is_tender),
        key=lambda rule: rule.holding.expiry_key(),
    )
    notes = {} if use_credit else _credit_notes(lines, credit_rules, till, context)
    if use_credit:
        for rule in credit_rules:
            positions = [
                result.line.position
                for result in lines
                if till.is_due(result) and rule.is_eligible(result.line.request(), context) is None
            ]
            if positions:
                till.pay(rule.holding, positions, with_round_off=rule.pays_round_off)
    till.pay_round_off()
    return till.merged_uses(), notes


def _spend_line_benefits(
    lines: Sequence[LineInput], by_id: dict[int, Holding], context: BillContext
) -> list[tuple[BenefitResult | None, str | None]]:
    """Choose each line's own benefit, spending sessions in `by_id` so later lines see what is left."""
    benefits: list[tuple[BenefitResult | None, str | None]] = []
    for line in lines:
        benefit, note = _line_benefit(line, by_id, context)
        if benefit is not None and benefit.sessions_used:
            holding = by_id[benefit.assignment_id]
            by_id[holding.assignment_id] = replace(
                holding, remaining_sessions=holding.remaining_sessions - benefit.sessions_used
            )
        benefits.append((benefit, note))
    return benefits


def _taxed_line(
    line: LineInput,
    gross: Decimal,
    benefit: BenefitResult | None,
    note: str | None,
    share: Decimal,
    *,
    prices_include_tax: bool,
    inter_state_goods: bool,
) -> LineResult:
    """Tax one line (docs/gst.md): taxable value after its benefit and bill discount, each head half-up to the paisa."""
    benefit_discount = benefit.discount if benefit else ZERO
    net = gross - benefit_discount - share
    taxable = taxable_from(net, line.gst_rate, prices_include_tax=prices_include_tax)
    tax = line_tax(taxable, line.gst_rate, inter_state=inter_state_goods and line.item_type == "product")
    applied = (
        PackageApplied(benefit.assignment_id, benefit.name, benefit.benefit_type, benefit.quantity_covered)
        if benefit
        else None
    )
    return LineResult(
        line=line,
        gross=gross,
        benefit_discount=benefit_discount,
        bill_discount=share,
        taxable_value=tax.taxable_value,
        cgst=tax.cgst,
        sgst=tax.sgst,
        igst=tax.igst,
        total=tax.total,
        benefit=benefit,
        package_applied=applied,
        package_note=note,
    )


def _credit_changes(
    result: LineResult, by_id: dict[int, Holding], paid: Decimal, first_credit: int | None, credit_note: str | None
) -> dict:
    """What the credit changes on one line: what it paid, and the package or note the line shows."""
    changes = {"credit_paid": paid}
    if result.package_applied is not None:
        return changes
    if first_credit is not None:
        holding = by_id[first_credit]
        changes.update(
            package_applied=PackageApplied(holding.assignment_id, holding.name, BenefitType.PREPAID.value, 0),
            package_note=None,
        )
    elif credit_note is not None:
        changes["package_note"] = credit_note
    elif result.package_note is None:
        # A chosen credit with nothing left to pay (the line was free or already paid).
        changes["package_note"] = "Nothing left to pay on this line."
    return changes


def _with_credit(
    results: list[LineResult], by_id: dict[int, Holding], credit_uses: list[CreditUse], credit_notes: dict[int, str]
) -> list[LineResult]:
    """Mark on each line the credit that paid it (the first credit names the package) or why none did."""
    paid_by_line: dict[int, Decimal] = {}
    first_credit: dict[int, int] = {}
    for use in credit_uses:
        paid_by_line[use.position] = paid_by_line.get(use.position, ZERO) + use.amount
        first_credit.setdefault(use.position, use.assignment_id)
    return [
        replace(
            result,
            **_credit_changes(
                result,
                by_id,
                paid_by_line.get(result.line.position, ZERO),
                first_credit.get(result.line.position),
                credit_notes.get(result.line.position),
            ),
        )
        for result in results
    ]


def _bill_summary(
    lines: list[LineResult], *, adjustment: Decimal, grand_total: Decimal, credit_uses: list[CreditUse]
) -> Summary:
    """Total the finished lines: subtotals by kind, the package value covered, taxes, credit and what is payable."""
    credit_applied = sum((use.amount for use in credit_uses), ZERO)
    services = sum((r.gross for r in lines if r.line.item_type == "service"), ZERO)
    products = sum((r.gross for r in lines if r.line.item_type == "product"), ZERO)
    package_subtotal = sum(
        (quantize_money(r.line.unit_price * r.benefit.quantity_covered) for r in lines if r.benefit is not None),
        ZERO,
    )
    return Summary(
        package_subtotal=package_subtotal,
        services_subtotal=services,
        products_subtotal=products,
        subtotal=services + products,
        discount=sum((r.discount for r in lines), ZERO),
        cgst=sum((r.cgst for r in lines), ZERO),
        sgst=sum((r.sgst for r in lines), ZERO),
        igst=sum((r.igst for r in lines), ZERO),
        round_off=adjustment,
        grand_total=grand_total,
        credit_applied=credit_applied,
        amount_payable=grand_total - credit_applied,
    )


def compute_bill(
    *,
    lines: Sequence[LineInput],
    holdings: Sequence[Holding],
    bill_date: date,
    discount: Decimal = ZERO,
    use_credit: bool = False,
    guests: int | None = None,
    inter_state_goods: bool = False,
    place_of_supply: str = "",
    prices_include_tax: bool = False,
    round_off_to_rupee: bool = True,
    branch_code: str = "",
) -> BillComputation:
    """Apply the packages, split the discount, tax every line and total the bill (at the branch `branch_code`)."""
    context = BillContext(bill_date=bill_date, guests=guests, branch_code=branch_code)
    by_id = {holding.assignment_id: holding for holding in holdings}
    discount = quantize_money(discount or ZERO)
    if discount < 0:
        _refuse("discount", "The discount cannot be negative.")

    # 1. Each line's own benefit, spending sessions in memory so later lines see what is left.
    benefits = _spend_line_benefits(lines, by_id, context)

    # 2. The bill discount, split by what is still charged on each line.
    grosses = [quantize_money(line.unit_price * line.quantity) for line in lines]
    chargeable = [
        gross - (benefit.discount if benefit else ZERO) for gross, (benefit, _) in zip(grosses, benefits, strict=True)
    ]
    shares = _split_bill_discount(discount, chargeable)

    # 3. Tax per line.
    results = [
        _taxed_line(
            line, gross, benefit, note, share, prices_include_tax=prices_include_tax, inter_state_goods=inter_state_goods
        )
        for line, gross, (benefit, note), share in zip(lines, grosses, benefits, shares, strict=True)
    ]
    line_total = sum((result.total for result in results), ZERO)
    adjustment = round_off(line_total, enabled=round_off_to_rupee)
    grand_total = line_total + adjustment

    # 4. Credit last, as a tender against what is due.
    credit_uses, credit_notes = _allocate_credit(
        results, by_id, context, use_credit=use_credit, grand_total=grand_total
    )
    finished = _with_credit(results, by_id, credit_uses, credit_notes)
    return BillComputation(
        lines=tuple(finished),
        summary=_bill_summary(finished, adjustment=adjustment, grand_total=grand_total, credit_uses=credit_uses),
        credit_uses=tuple(credit_uses),
        bill_date=bill_date,
        guests=guests,
        place_of_supply=place_of_supply,
    )
