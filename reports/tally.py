"""A month's documents as TallyPrime vouchers (the "Import Data" XML envelope), ledger names from settings.

Sales vouchers for the invoices the month reports (one cancelled by the month's end stays, marked
cancelled, without entries), receipt vouchers for the money received, credit notes for the
credit notes whose value the month reports, payment vouchers for the money paid back: the same
documents, by the same rules, as the GSTR-1 files (reports.accountant), so the books and the
return agree. docs/going-live.md "Files for the accountant" lists the ledgers and their setting.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from billing.models import Invoice, LineType, Payment, Refund
from core.money import ZERO, quantize_money
from core.payments import PaymentMethod
from receipts.models import ReceiptKind

if TYPE_CHECKING:
    from .accountant import MonthDocuments

# Tally's ledger names; settings.ACCOUNTANT_LEDGERS overrides any of them (the dicts key by key).
DEFAULT_LEDGERS = {
    "company": "",  # the Tally company to import into; empty: the one open in Tally
    "party": "Counter customers",
    "advances": "Customer advances",
    "round_off": "Round off",
    "payment": {
        PaymentMethod.CASH.value: "Cash",
        PaymentMethod.CARD.value: "Card settlements",
        PaymentMethod.UPI.value: "UPI settlements",
        PaymentMethod.BANK_TRANSFER.value: "Bank",
        PaymentMethod.PREPAID_CREDIT.value: "Customer advances",
    },
    "gst": {"cgst": "Output CGST", "sgst": "Output SGST", "igst": "Output IGST"},
    "income": {
        LineType.SERVICE.value: "Sales - services",
        LineType.PRODUCT.value: "Sales - products",
        LineType.PACKAGE.value: "Sales - packages",
    },
}


def ledger_names() -> dict:
    """The Tally ledger names: DEFAULT_LEDGERS with settings.ACCOUNTANT_LEDGERS laid over them, key by key."""
    names = {key: dict(value) if isinstance(value, dict) else value for key, value in DEFAULT_LEDGERS.items()}
    for key, value in settings.ACCOUNTANT_LEDGERS.items():
        if isinstance(value, dict) and isinstance(names.get(key), dict):
            names[key].update(value)
        else:
            names[key] = value
    return names


@dataclass
class Voucher:
    """A Tally voucher: entries are (ledger, amount), amount positive for a credit, negative for a debit."""

    type_name: str
    day: date
    number: str
    party: str
    narration: str
    entries: list[tuple[str, Decimal]] = field(default_factory=list)
    cancelled: bool = False

    def add(self, ledger: str, amount: Decimal) -> None:
        amount = quantize_money(amount)
        if amount:
            self.entries.append((ledger, amount))


def _party(ledgers: dict, customer) -> str:
    """A registered customer's own ledger (Tally keeps their GSTIN there); everyone else's the counter's."""
    return customer.name if customer.gstin else ledgers["party"]


def _taxed_entries(voucher: Voucher, ledgers: dict, lines, *, sign: int, total: Decimal, party: str):
    """Post a sale (sign 1: credits) or its reversal (sign -1: debits): income by line type, GST heads, round off."""
    income: dict[str, Decimal] = defaultdict(lambda: ZERO)
    heads = {"cgst": ZERO, "sgst": ZERO, "igst": ZERO}
    for line_type, taxable, cgst, sgst, igst in lines:
        income[line_type] += taxable
        heads["cgst"] += cgst
        heads["sgst"] += sgst
        heads["igst"] += igst
    voucher.add(party, -sign * total)
    for line_type, amount in income.items():
        voucher.add(ledgers["income"][line_type], sign * amount)
    for head, amount in heads.items():
        voucher.add(ledgers["gst"][head], sign * amount)
    # What the heads and values miss of the total is the printed round-off.
    voucher.add(ledgers["round_off"], sign * (total - sum(income.values(), ZERO) - sum(heads.values(), ZERO)))


def _invoice_lines(invoice: Invoice):
    return [
        (line.line_type, line.taxable_value.amount, line.cgst.amount, line.sgst.amount, line.igst.amount)
        for line in invoice.lines.all()
    ]


def _sales_vouchers(documents: MonthDocuments, ledgers: dict) -> list[Voucher]:
    vouchers = []
    for invoice in documents.invoices:
        party = _party(ledgers, invoice.customer)
        voucher = Voucher("Sales", invoice.bill_date, invoice.number, party, f"Tax invoice to {invoice.customer.name}")
        if documents.cancelled_in_month(invoice):
            voucher.cancelled = True
            voucher.narration = f"Cancelled by {invoice.credit_note_number}: {invoice.cancel_reason}"
        else:
            _taxed_entries(voucher, ledgers, _invoice_lines(invoice), sign=1, total=invoice.grand_total.amount, party=party)
        vouchers.append(voucher)
    return vouchers


def _credit_note_vouchers(documents: MonthDocuments, ledgers: dict) -> list[Voucher]:
    vouchers = []
    for note in documents.credit_notes():
        invoice = documents.credited_invoice(note)
        if invoice is None:
            continue
        party = _party(ledgers, invoice.customer)
        voucher = Voucher(
            "Credit Note", documents.receipt_day(note), note.number, party,
            f"Against {invoice.number} dated {invoice.bill_date:%d-%m-%Y}",
        )
        if note.pk in documents.voided:
            lines = _invoice_lines(invoice)
        else:
            lines = [
                (LineType.PACKAGE.value, Decimal(line["taxable_value"]), Decimal(line["cgst"]), Decimal(line["sgst"]),
                 Decimal(line["igst"]))
                for line in note.snapshot.get("lines", [])
            ]
        _taxed_entries(voucher, ledgers, lines, sign=-1, total=note.amount.amount, party=party)
        vouchers.append(voucher)
    return vouchers


def _receipt_vouchers(documents: MonthDocuments, ledgers: dict) -> list[Voucher]:
    """Money received, one voucher per receipt: the method ledgers debited, the party (or advances) credited."""
    by_receipt: dict[int, list[Payment]] = defaultdict(list)
    for payment in documents.payments:
        by_receipt[payment.receipt_id].append(payment)
    vouchers = []
    for payments in by_receipt.values():
        receipt, invoice = payments[0].receipt, payments[0].invoice
        day = invoice.bill_date if invoice else documents.receipt_day(receipt)
        credited = _party(ledgers, receipt.customer) if invoice else ledgers["advances"]
        voucher = Voucher("Receipt", day, receipt.number, credited, f"Received from {receipt.customer.name}")
        for payment in payments:
            voucher.add(ledgers["payment"][payment.method], -payment.amount.amount)
        voucher.add(credited, sum((payment.amount.amount for payment in payments), ZERO))
        vouchers.append(voucher)
    return vouchers


def _payment_vouchers(documents: MonthDocuments, ledgers: dict) -> list[Voucher]:
    """Money paid back, one voucher per credit note or refund voucher: the party (or advances) debited.

    A refund voucher pays back credit (an advance, never taxed) or, past the credit-note deadline,
    a package whose GST stays paid: then the package income is debited.
    """
    by_document: dict[int, list[Refund]] = defaultdict(list)
    for refund in documents.refunds:
        by_document[refund.document_id].append(refund)
    vouchers = []
    for refunds in by_document.values():
        document = refunds[0].document
        if document.kind == ReceiptKind.CREDIT_NOTE:
            debited = _party(ledgers, document.customer)
        elif refunds[0].assignment_id and refunds[0].assignment.kind.taxed_at_sale:
            debited = ledgers["income"][LineType.PACKAGE.value]
        else:
            debited = ledgers["advances"]
        voucher = Voucher(
            "Payment", documents.receipt_day(document), document.number, debited, f"Paid back to {document.customer.name}"
        )
        voucher.add(debited, -sum((refund.amount.amount for refund in refunds), ZERO))
        for refund in refunds:
            voucher.add(ledgers["payment"][refund.method], refund.amount.amount)
        vouchers.append(voucher)
    return vouchers


def tally_vouchers(documents: MonthDocuments, ledgers: dict) -> list[Voucher]:
    vouchers = (
        _sales_vouchers(documents, ledgers) + _receipt_vouchers(documents, ledgers) + _credit_note_vouchers(documents, ledgers)
        + _payment_vouchers(documents, ledgers)
    )
    return sorted(vouchers, key=lambda voucher: (voucher.day, voucher.type_name, voucher.number))


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def tally_xml(documents: MonthDocuments, ledgers: dict | None = None) -> bytes:
    """The month's vouchers as a TallyPrime "Import Data" envelope (Gateway of Tally > Import > Vouchers).

    In each entry a debit is ISDEEMEDPOSITIVE Yes with a negative AMOUNT, a credit No with a
    positive one, so every voucher's AMOUNTs add up to zero.
    """
    ledgers = ledgers or ledger_names()
    envelope = ET.Element("ENVELOPE")
    _text(ET.SubElement(envelope, "HEADER"), "TALLYREQUEST", "Import Data")
    import_data = ET.SubElement(ET.SubElement(envelope, "BODY"), "IMPORTDATA")
    description = ET.SubElement(import_data, "REQUESTDESC")
    _text(description, "REPORTNAME", "Vouchers")
    if ledgers.get("company"):
        _text(ET.SubElement(description, "STATICVARIABLES"), "SVCURRENTCOMPANY", ledgers["company"])
    data = ET.SubElement(import_data, "REQUESTDATA")
    for voucher in tally_vouchers(documents, ledgers):
        message = ET.SubElement(data, "TALLYMESSAGE", {"xmlns:UDF": "TallyUDF"})
        element = ET.SubElement(
            message, "VOUCHER", {"VCHTYPE": voucher.type_name, "ACTION": "Create", "OBJVIEW": "Accounting Voucher View"}
        )
        _text(element, "DATE", voucher.day.strftime("%Y%m%d"))
        _text(element, "VOUCHERTYPENAME", voucher.type_name)
        _text(element, "VOUCHERNUMBER", voucher.number)
        _text(element, "PARTYLEDGERNAME", voucher.party)
        _text(element, "NARRATION", voucher.narration)
        _text(element, "PERSISTEDVIEW", "Accounting Voucher View")
        if voucher.cancelled:
            _text(element, "ISCANCELLED", "Yes")
        for ledger, amount in voucher.entries:
            entry = ET.SubElement(element, "ALLLEDGERENTRIES.LIST")
            _text(entry, "LEDGERNAME", ledger)
            _text(entry, "ISDEEMEDPOSITIVE", "Yes" if amount < 0 else "No")
            _text(entry, "ISPARTYLEDGER", "Yes" if ledger == voucher.party else "No")
            _text(entry, "AMOUNT", f"{amount:.2f}")
    ET.indent(envelope)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(envelope, encoding="utf-8")


