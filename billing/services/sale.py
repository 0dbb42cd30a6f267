"""Sell a package: assignment, payment, (tax invoice) and receipt in one transaction.

GST (docs/gst.md): a service package, membership or offer is an advance for named
services, so GST is charged on its price when sold, on a tax invoice. Prepaid and
kitty-party credit is a voucher: no GST when loaded, an advance receipt only.

`price_paid` is the seed's "actual amount paid": when the seller enters it, GST is inside
it (taxable value = price x 100 / (100 + rate), the paisa left over in the round-off, so
the invoice totals exactly the price paid); left out, it is the list price less the
discount, plus GST. The assignment keeps both what was paid and its `sale_value`, the
taxable value (the price paid for untaxed credit).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from branches.models import Branch
from branches.selectors import default_branch
from catalog.models import Service
from core.money import ZERO, format_inr, inr, money_str, quantize_money
from core.payments import TENDER_NAMES
from customers.models import Customer
from packages.exceptions import InvalidAssignment
from packages.locks import lock_assignments
from packages.models import PackageAssignment, PackageTemplate
from packages.services import assignment_create
from receipts.models import ReceiptKind
from receipts.services import receipt_issue

from ..documents import ADVANCE_NOTE, document_snapshot, receipt_line
from ..engine import SUMMARY_FIELDS
from ..exceptions import PaymentMismatch
from ..idempotency import idempotency_key_clean, idempotency_key_refuse, idempotent_write
from ..models import Invoice, InvoiceKind, InvoiceLine, LineType, Payment, PaymentMethod
from ..numbering import next_number
from ..tax import LineTax, line_tax, round_off, taxable_from
from .cart import PaymentIn
from .invoice import invoice_insert
from .pricing import PriceDecision, confirm_tax_rate, package_gst_rate, price_decision, untaxed_sale_note
from .rules import BuyerDetails, cash_limit_check, rule46_check

DEFAULT_PACKAGE_SAC = "999729"


@dataclass(frozen=True)
class SaleResult:
    assignment: PackageAssignment
    invoice: Invoice | None
    payment: Payment | None
    receipt: object | None
    created: bool = True  # False: a sale sent again with its key, answered with the first one


@dataclass(frozen=True)
class SaleCharge:
    """What a package sale charges: the price as entered, the tax on it and what the customer pays."""

    price: Decimal  # the line's price: the amount paid (GST inside) or the list price less discount
    tax: LineTax
    round_off: Decimal

    @property
    def grand_total(self) -> Decimal:
        return self.tax.total + self.round_off


def sale_charge(*, price: Decimal, rate: Decimal, gst_included: bool) -> SaleCharge:
    """Work out the GST of a package sale (docs/gst.md, the arithmetic of a line).

    With `gst_included` (a price the seller entered: what the customer pays), the taxable
    value is taken out of the price and the paisa left over goes into the round-off, so
    the total is the price itself. Otherwise GST is added to the price (or taken out of
    it when the shop's prices include tax) and the total is rounded to the rupee.
    """
    price = quantize_money(price)
    if gst_included:
        tax = line_tax(taxable_from(price, rate, prices_include_tax=True), rate)
        return SaleCharge(price=price, tax=tax, round_off=price - tax.total)
    tax = line_tax(taxable_from(price, rate), rate)
    return SaleCharge(price=price, tax=tax, round_off=round_off(tax.total))


@dataclass(frozen=True)
class SaleQuote:
    """What a sale at the list price collects: the taxable value, its GST and the total to charge."""

    taxable: Decimal
    gst: Decimal
    round_off: Decimal
    total: Decimal


def sale_quote(*, template: PackageTemplate, service: Service | None = None) -> SaleQuote:
    """Return what `assignment_sell` charges for `template` at its list price (no price entered, no discount).

    The same arithmetic as the sale (`sale_charge`): GST on a taxed kind, none on a credit voucher.
    A free offer collects nothing.
    """
    covered = service if template.kind.service_chosen_at_sale else None
    price = quantize_money(template.list_price(covered).amount)
    if not template.kind.taxed_at_sale:
        return SaleQuote(taxable=price, gst=ZERO, round_off=ZERO, total=price)
    charge = sale_charge(price=price, rate=package_gst_rate(template, covered), gst_included=False)
    if charge.grand_total <= 0:
        return SaleQuote(taxable=ZERO, gst=ZERO, round_off=ZERO, total=ZERO)
    return SaleQuote(
        taxable=charge.tax.taxable_value, gst=charge.tax.tax, round_off=charge.round_off, total=charge.grand_total
    )


def _sale_invoice(
    *, assignment: PackageAssignment, charge: SaleCharge, rate: Decimal, user, bill_date: date, branch: Branch
) -> tuple[Invoice, dict]:
    """Write the tax invoice for a package sale at `branch`; return it with its printed line.

    The line's rate is before GST, as its taxable value is: a price entered GST included (₹3,600)
    prints Rate 3,428.57, Taxable 3,428.57, the GST, and Total 3,600.00, never a rate with GST in it
    beside a taxable value without.
    """
    tax = charge.tax
    price = tax.taxable_value  # one package, no discount: the rate is the taxable value
    invoice = invoice_insert(Invoice(
        number=next_number("INV", branch=branch, day=bill_date),
        branch=branch,
        kind=InvoiceKind.PACKAGE_SALE,
        customer=assignment.customer,
        bill_date=bill_date,
        cashier=user,
        package_subtotal=inr(tax.taxable_value),
        subtotal=inr(tax.taxable_value),
        cgst=inr(tax.cgst),
        sgst=inr(tax.sgst),
        igst=inr(tax.igst),
        round_off=inr(charge.round_off),
        grand_total=inr(charge.grand_total),
        amount_payable=inr(charge.grand_total),
    ))
    hsn_sac = assignment.service.sac_code if assignment.service else DEFAULT_PACKAGE_SAC
    InvoiceLine.objects.create(
        invoice=invoice,
        line_type=LineType.PACKAGE,
        service=assignment.service,
        name=f"{assignment.package_name} (package)",
        hsn_sac=hsn_sac,
        quantity=1,
        unit_price=inr(price),
        gross=inr(price),
        taxable_value=inr(tax.taxable_value),
        gst_rate=rate,
        cgst=inr(tax.cgst),
        sgst=inr(tax.sgst),
        igst=inr(tax.igst),
        total=inr(tax.total),
        assignment=assignment,
    )
    line = receipt_line(
        f"{assignment.package_name} (package)", hsn_sac=hsn_sac, rate=rate, tax=tax, total=tax.total, price=price
    )
    return invoice, line


@dataclass(frozen=True)
class Sale:
    """What the seller asks of a sale (`assignment_sell`'s arguments), read by each of its steps."""

    customer: Customer
    template: PackageTemplate
    user: object
    service: Service | None = None
    price_paid: Decimal | None = None
    discount: Decimal = ZERO
    expires_on: date | None = None
    notes: str = ""
    payment: PaymentIn | None = None
    create_invoice: bool | None = None
    tax_rate: Decimal | None = None
    generate_receipt: bool = True
    renews_assignment_id: int | None = None
    branch: Branch | None = None
    bill_date: date | None = None
    buyer: BuyerDetails | None = None


def assignment_sell(
    *,
    customer: Customer,
    template: PackageTemplate,
    user,
    service: Service | None = None,
    price_paid: Decimal | None = None,
    discount: Decimal = ZERO,
    expires_on: date | None = None,
    notes: str = "",
    payment: PaymentIn | None = None,
    create_invoice: bool | None = None,
    tax_rate: Decimal | None = None,
    generate_receipt: bool = True,
    renews_assignment_id: int | None = None,
    branch: Branch | None = None,
    bill_date: date | None = None,
    buyer: BuyerDetails | None = None,
    idempotency_key: str | None = None,
) -> SaleResult:
    """Assign `template` to `customer`, take the payment and issue the documents.

    `price_paid`, when given, is what the customer pays, GST included on a tax invoice.
    `discount` comes off the list price when no price is entered. `expires_on`: left out,
    the template's default. `create_invoice`: left out, a taxed kind gets a tax invoice and
    credit none; `tax_rate`, when given, must be the rate the sale charges. `payment`: the
    money taken (None: none collected); `generate_receipt`: issue the receipt.
    `renews_assignment_id` renews that package of the same customer: the new period
    starts the day after the old one ends; the invoice and receipt are dated today.
    `branch`: where it is sold, whose GSTIN and number series the documents carry.
    `bill_date` (as for `invoice_create`): the day the invoice and receipt are dated and
    numbered by; left out, today. The demo history passes its own days.
    `buyer`: the customer's address and state typed with the sale, kept on the customer when
    GST Rule 46 needs them on the tax invoice (billing.services.rules); that rule and the cash
    limit refuse the sale otherwise, writing nothing.
    `idempotency_key` (as for `invoice_create`): the same key sent again by the same user
    at the same branch for the same customer and package answers the first sale
    (`created=False`) and writes nothing; sent for another sale, by another user or at
    another branch, it is refused (409); a key longer than its column is refused as a wrong
    field (400), as billing.idempotency does for the invoice.
    """
    sale = Sale(
        customer=customer, template=template, user=user, service=service, price_paid=price_paid, discount=discount,
        expires_on=expires_on, notes=notes, payment=payment, create_invoice=create_invoice, tax_rate=tax_rate,
        generate_receipt=generate_receipt, renews_assignment_id=renews_assignment_id, branch=branch,
        bill_date=bill_date, buyer=buyer,
    )
    key = idempotency_key_clean(idempotency_key)
    if key is not None and (earlier := _sold_with(key)) is not None:
        return _replay_sale(earlier, sale)
    # The unique key on the assignment is the check against a concurrent twin: the second
    # meets it, rolls back, and answers the first sale.
    return idempotent_write(
        key, write=lambda: _sell(sale, key=key), earlier=_sold_with, replay=lambda earlier: _replay_sale(earlier, sale)
    )


def _sold_with(key: str) -> PackageAssignment | None:
    return PackageAssignment._base_manager.filter(idempotency_key=key).select_related("customer").first()


def _replay_sale(assignment: PackageAssignment, sale: Sale) -> SaleResult:
    """Answer a sale sent again with its key: the first sale's documents, or a refusal if it differs."""
    same = (
        assignment.created_by_id == getattr(sale.user, "pk", None)
        and assignment.customer_id == getattr(sale.customer, "pk", None)
        and sale.template is not None
        and (assignment.package_type, assignment.template_id) == (sale.template.kind.package_type, sale.template.pk)
        and assignment.branch_id == (sale.branch or default_branch()).pk  # a key is bound to its branch
    )
    if not same:
        # Say nothing of that sale: its customer and package are not the caller's to read.
        idempotency_key_refuse("This sale key was already used for another sale; start a new sale for this one.")
    payment = assignment.payments.select_related("receipt", "invoice").order_by("pk").first()
    invoice = (
        Invoice.objects.select_related("receipt")
        .filter(kind=InvoiceKind.PACKAGE_SALE, lines__assignment=assignment)
        .order_by("pk")
        .first()
    )
    receipt = (payment.receipt if payment else None) or (invoice.receipt if invoice else None)
    return SaleResult(assignment=assignment, invoice=invoice, payment=payment, receipt=receipt, created=False)


def _renewed(renews_assignment_id) -> PackageAssignment | None:
    """Lock the package the sale renews (None: it renews none); refuse an id that names none."""
    if renews_assignment_id is None:
        return None
    try:
        renews = lock_assignments([int(renews_assignment_id)]).get(int(renews_assignment_id))
    except (TypeError, ValueError):
        renews = None
    if renews is None:
        message = f"No package with id {renews_assignment_id} to renew."
        raise InvalidAssignment(message, errors={"renews_assignment_id": [message]})
    return renews


@dataclass(frozen=True)
class _SaleTerms:
    """How the sale is charged: on a tax invoice or not, at which rate, the price note, and the charge."""

    is_voucher: bool  # credit: an advance, never taxed at sale
    rate: Decimal | None  # the GST rate when taxed
    price_note: str
    charge: SaleCharge | None  # None: nothing to invoice (untaxed, or a free offer)

    @classmethod
    def of(cls, sale: Sale) -> "_SaleTerms":
        """Work out the terms, refusing a wrong tax rate or a price `sale.user` may not give, before any write.

        Refusals of the sale itself (no service, a discount above the price...) are assignment_create's.
        """
        template = sale.template
        is_voucher = not template.kind.taxed_at_sale
        create_invoice = not is_voucher if sale.create_invoice is None else sale.create_invoice
        taxed = create_invoice and not is_voucher
        covered = sale.service if template.kind.service_chosen_at_sale else None
        rate = package_gst_rate(template, covered) if taxed else None
        if taxed:
            confirm_tax_rate(sale.tax_rate, rate)
        decision = _price_decision(
            template=template, covered=covered, user=sale.user, rate=rate, price_paid=sale.price_paid,
            discount=sale.discount,
        )
        price_note = decision.note
        if not create_invoice and not is_voucher:
            price_note = "; ".join(filter(None, [untaxed_sale_note(user=sale.user), price_note]))
        charge = _taxed_charge(sale, covered, rate) if taxed else None
        return cls(is_voucher=is_voucher, rate=rate, price_note=price_note, charge=charge)


def _taxed_charge(sale: Sale, covered: Service | None, rate: Decimal) -> SaleCharge | None:
    """The GST of a taxed sale: on the price entered (GST inside) or the list price less discount; None if free."""
    if sale.price_paid is not None:
        price = sale.price_paid
    else:
        price = sale.template.list_price(covered).amount - quantize_money(sale.discount or ZERO)
    charge = sale_charge(price=price, rate=rate, gst_included=sale.price_paid is not None)
    return charge if charge.grand_total > 0 else None  # a free offer: nothing to invoice


def _sold_assignment(sale: Sale, terms: _SaleTerms, *, renews, branch: Branch, key: str | None) -> PackageAssignment:
    """Create the assignment (assignment_create's checks) at the charged price, keeping the sale's key."""
    charge = terms.charge
    assignment = assignment_create(
        customer=sale.customer,
        template=sale.template,
        service=sale.service,
        price_paid=charge.grand_total if charge else sale.price_paid,
        sale_value=charge.tax.taxable_value if charge else None,
        discount=sale.discount,
        expires_on=sale.expires_on,
        notes=sale.notes,
        created_by=sale.user,
        renews=renews,
        branch=branch,
        price_note=terms.price_note,
        business_day=sale.bill_date,
    )
    if key is not None:
        assignment.idempotency_key = key
        assignment.save(update_fields=["idempotency_key"])
    return assignment


def _take_payment(sale: Sale, assignment: PackageAssignment, invoice: Invoice | None) -> Payment | None:
    """Record the money for what is due, refusing a method that is not a tender or an amount that differs."""
    payment, amount_due = sale.payment, assignment.price_paid.amount
    if payment is None or amount_due <= 0:
        return None
    if payment.method not in PaymentMethod.values or payment.method == PaymentMethod.PREPAID_CREDIT:
        message = f'"{payment.method}" is not a way to pay for a package; use {TENDER_NAMES}.'
        raise PaymentMismatch(message, errors={"method": [message]})
    amount = amount_due if payment.amount is None else quantize_money(payment.amount)
    if amount != amount_due:
        message = f"The payment of {format_inr(amount)} does not match the amount due, {format_inr(amount_due)}."
        raise PaymentMismatch(message, errors={"amount": [message]})
    return Payment.objects.create(
        customer=sale.customer,
        invoice=invoice,
        assignment=assignment,
        method=payment.method,
        amount=inr(amount),
        reference=payment.reference or "",
        received_by=sale.user,
    )


def _advance_line(assignment: PackageAssignment, *, is_voucher: bool) -> dict:
    """The receipt's line when there is no tax invoice: the price paid, with no GST on the document."""
    paid = assignment.price_paid.amount
    untaxed = LineTax(ZERO, ZERO, ZERO, ZERO)
    note = ADVANCE_NOTE if is_voucher else None
    return receipt_line(assignment.package_name, tax=untaxed, total=paid, price=paid, note=note)


@dataclass(frozen=True)
class _Sold:
    """What the sale has written so far, for its receipt."""

    assignment: PackageAssignment
    invoice: Invoice | None
    line: dict  # the printed line: the invoice's, or the advance's
    payment: Payment | None


def _issue_receipt(sale: Sale, terms: _SaleTerms, sold: _Sold, *, branch: Branch, bill_date: date):
    """Issue the tax invoice's receipt (or the advance's voucher) and link the invoice and payment to it."""
    invoice, payment_row, amount_due = sold.invoice, sold.payment, sold.assignment.price_paid.amount
    receipt = receipt_issue(
        number=next_number("REC", branch=branch, day=bill_date),
        branch=branch,
        kind=ReceiptKind.TAX_INVOICE if invoice else ReceiptKind.ADVANCE_RECEIPT,
        customer=sale.customer,
        amount=amount_due,
        snapshot=document_snapshot(
            title="Tax invoice" if invoice else "Receipt voucher (advance)",
            customer=sale.customer,
            total=amount_due,
            lines=[sold.line],
            summary=_summary(invoice) if invoice else _advance_summary(amount_due),
            payments=[payment_row] if payment_row else [],
            packages=[sold.assignment],
            invoice_number=invoice.number if invoice else None,
            notes=sale.notes,
            branch=branch,
            price_note=terms.price_note,
        ),
        created_by=sale.user,
    )
    for row in filter(None, [invoice, payment_row]):
        row.receipt = receipt
        row.save(update_fields=["receipt"])
    return receipt


def _sell(sale: Sale, *, key: str | None = None) -> SaleResult:
    branch = sale.branch or default_branch()
    renews = _renewed(sale.renews_assignment_id)
    terms = _SaleTerms.of(sale)
    if terms.charge is not None:
        rule46_check(customer=sale.customer, total=terms.charge.grand_total, buyer=sale.buyer)
    assignment = _sold_assignment(sale, terms, renews=renews, branch=branch, key=key)
    bill_date = sale.bill_date or timezone.localdate()
    _cash_check(customer=sale.customer, payment=sale.payment, amount_due=assignment.price_paid.amount, day=bill_date)
    invoice = line = None
    if terms.charge is not None:
        invoice, line = _sale_invoice(
            assignment=assignment, charge=terms.charge, rate=terms.rate, user=sale.user, bill_date=bill_date,
            branch=branch,
        )
    payment_row = _take_payment(sale, assignment, invoice)
    receipt = None
    if sale.generate_receipt:
        sold = _Sold(assignment, invoice, line or _advance_line(assignment, is_voucher=terms.is_voucher), payment_row)
        receipt = _issue_receipt(sale, terms, sold, branch=branch, bill_date=bill_date)
    return SaleResult(assignment=assignment, invoice=invoice, payment=payment_row, receipt=receipt)


def _cash_check(*, customer: Customer, payment: PaymentIn | None, amount_due: Decimal, day: date) -> None:
    """Refuse cash that would bring the customer's cash of the day to the limit (before the numbers are taken)."""
    if payment is None or payment.method != PaymentMethod.CASH or amount_due <= 0:
        return
    cash = amount_due if payment.amount is None else quantize_money(payment.amount)
    cash_limit_check(customer=customer, cash=cash, day=day, field="method")


def _price_decision(*, template, covered, user, rate, price_paid, discount) -> PriceDecision:
    """Ask whether `user` may sell at this price (billing.services.pricing), before anything is written."""
    if template.kind.service_chosen_at_sale and covered is None:
        return PriceDecision()  # no service chosen: assignment_create refuses the sale
    list_price = quantize_money(template.list_price(covered).amount)
    list_total = list_price
    if rate is not None:
        list_total = sale_charge(price=list_price, rate=rate, gst_included=False).grand_total
    return price_decision(
        user=user,
        list_price=list_price,
        list_total=list_total,
        gst_added=rate is not None,
        price_paid=price_paid,
        discount=discount,
    )


def _summary(invoice: Invoice) -> dict:
    return {name: money_str(getattr(invoice, name).amount) for name in SUMMARY_FIELDS}


def _advance_summary(amount: Decimal) -> dict:
    summary = dict.fromkeys(SUMMARY_FIELDS, money_str(ZERO))
    summary.update(
        package_subtotal=money_str(amount),
        subtotal=money_str(amount),
        grand_total=money_str(amount),
        amount_payable=money_str(amount),
    )
    return summary


__all__ = ["Sale", "SaleCharge", "SaleResult", "assignment_sell", "sale_charge"]
