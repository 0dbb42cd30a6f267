"""Sell a package: assignment, payment, (tax invoice) and receipt in one transaction.

GST (shared GST.md): a service package, membership or offer is an advance for named
services, so GST is charged on its price when sold, on a tax invoice. Prepaid and
kitty-party credit is a voucher: no GST when loaded, an advance receipt only.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from catalog.models import Service
from customers.models import Customer
from packages.models import CREDIT_KINDS, PackageAssignment, PackageTemplate, PackageType
from packages.services import assignment_create
from receipts.models import ReceiptKind
from receipts.services import receipt_issue
from spa_pkg.money import ZERO, format_inr, inr, money_str, quantize_money

from ..documents import document_snapshot
from ..engine import SUMMARY_FIELDS
from ..exceptions import PaymentMismatch
from ..models import Invoice, InvoiceKind, InvoiceLine, LineType, Payment, PaymentMethod
from ..numbering import next_number
from ..tax import line_tax, round_off, taxable_from

DEFAULT_PACKAGE_SAC = "999729"


@dataclass(frozen=True)
class PaymentIn:
    """A payment as the caller gives it; `amount=None` takes whatever is due."""

    method: str
    amount: Decimal | None = None
    reference: str = ""


@dataclass(frozen=True)
class SaleResult:
    assignment: PackageAssignment
    invoice: Invoice | None
    payment: Payment | None
    receipt: object | None


def _package_tax_rate(template: PackageTemplate, service: Service | None, tax_rate: Decimal | None) -> Decimal:
    if tax_rate is not None:
        return Decimal(tax_rate)
    if service is not None:
        return service.gst_rate
    return Decimal(getattr(settings, "PACKAGE_GST_RATE", "5"))


def _sale_invoice(*, assignment: PackageAssignment, rate: Decimal, user, bill_date: date) -> tuple[Invoice, dict]:
    """Write the tax invoice for a package sale; return it with its printed line."""
    price = assignment.price_paid.amount
    tax = line_tax(taxable_from(price, rate), rate)
    adjustment = round_off(tax.total)
    grand_total = tax.total + adjustment
    invoice = Invoice.objects.create(
        number=next_number("INV", day=bill_date),
        kind=InvoiceKind.PACKAGE_SALE,
        customer=assignment.customer,
        bill_date=bill_date,
        cashier=user,
        package_subtotal=inr(tax.taxable_value),
        subtotal=inr(tax.taxable_value),
        cgst=inr(tax.cgst),
        sgst=inr(tax.sgst),
        igst=inr(tax.igst),
        round_off=inr(adjustment),
        grand_total=inr(grand_total),
        amount_payable=inr(grand_total),
    )
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
    line = {
        "name": f"{assignment.package_name} (package)",
        "hsn_sac": hsn_sac,
        "quantity": 1,
        "unit_price": money_str(price),
        "gross": money_str(price),
        "discount": money_str(ZERO),
        "taxable_value": money_str(tax.taxable_value),
        "gst_rate": money_str(rate),
        "cgst": money_str(tax.cgst),
        "sgst": money_str(tax.sgst),
        "igst": money_str(tax.igst),
        "total": money_str(tax.total),
        "package": None,
        "package_note": None,
    }
    return invoice, line


@transaction.atomic
def package_sell(
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
) -> SaleResult:
    """Assign `template` to `customer`, take the payment and issue the documents."""
    assignment = assignment_create(
        customer=customer,
        template=template,
        service=service,
        price_paid=price_paid,
        discount=discount,
        expires_on=expires_on,
        notes=notes,
        created_by=user,
    )
    bill_date = assignment.assigned_on
    is_voucher = template.package_type in CREDIT_KINDS
    if create_invoice is None:
        create_invoice = not is_voucher
    invoice = line = None
    if create_invoice and not is_voucher and assignment.price_paid.amount > 0:
        rate = _package_tax_rate(template, assignment.service, tax_rate)
        invoice, line = _sale_invoice(assignment=assignment, rate=rate, user=user, bill_date=bill_date)
    amount_due = invoice.grand_total.amount if invoice else assignment.price_paid.amount

    payment_row = None
    if payment is not None and amount_due > 0:
        if payment.method not in PaymentMethod.values or payment.method == PaymentMethod.PREPAID_CREDIT:
            message = f'"{payment.method}" is not a way to pay for a package; use cash, card, upi or bank_transfer.'
            raise PaymentMismatch(message, errors={"method": [message]})
        amount = amount_due if payment.amount is None else quantize_money(payment.amount)
        if amount != amount_due:
            message = f"The payment of {format_inr(amount)} does not match the amount due, {format_inr(amount_due)}."
            raise PaymentMismatch(message, errors={"amount": [message]})
        payment_row = Payment.objects.create(
            customer=customer,
            invoice=invoice,
            assignment=assignment,
            method=payment.method,
            amount=inr(amount),
            reference=payment.reference or "",
            received_by=user,
        )

    receipt = None
    if generate_receipt:
        if line is None:
            line = {
                "name": assignment.package_name,
                "hsn_sac": "",
                "quantity": 1,
                "unit_price": money_str(assignment.price_paid.amount),
                "gross": money_str(assignment.price_paid.amount),
                "discount": money_str(ZERO),
                "taxable_value": money_str(ZERO),
                "gst_rate": money_str(ZERO),
                "cgst": money_str(ZERO),
                "sgst": money_str(ZERO),
                "igst": money_str(ZERO),
                "total": money_str(assignment.price_paid.amount),
                "package": None,
                "package_note": "Advance for a prepaid voucher: GST is charged when it is redeemed."
                if is_voucher
                else None,
            }
        summary = _summary(invoice) if invoice else _advance_summary(amount_due)
        receipt = receipt_issue(
            number=next_number("REC", day=bill_date),
            kind=ReceiptKind.TAX_INVOICE if invoice else ReceiptKind.ADVANCE_RECEIPT,
            customer=customer,
            amount=amount_due,
            snapshot=document_snapshot(
                title="Tax invoice" if invoice else "Receipt voucher (advance)",
                customer=customer,
                total=amount_due,
                lines=[line],
                summary=summary,
                payments=[payment_row] if payment_row else [],
                packages=[assignment],
                invoice_number=invoice.number if invoice else None,
                notes=notes,
            ),
            created_by=user,
        )
        if invoice:
            invoice.receipt = receipt
            invoice.save(update_fields=["receipt"])
        if payment_row:
            payment_row.receipt = receipt
            payment_row.save(update_fields=["receipt"])
    return SaleResult(assignment=assignment, invoice=invoice, payment=payment_row, receipt=receipt)




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


__all__ = ["PackageType", "PaymentIn", "SaleResult", "package_sell"]
