"""The accountant's files for one month at one branch (one GSTIN): GSTR-1 tables, a day book, and (from
reports.tally) the Tally vouchers.

docs/gst.md "Files for the accountant" says what each file holds and which rules it follows;
docs/going-live.md how to download them and name the Tally ledgers. Everything here reads: the
documents of the month are loaded once (`month_documents`, a fixed number of queries) and
every file is built from that load, so the files of one month always agree with each other.

The rules that make the files agree with the invoices to the paisa:
- an invoice is the month's supply unless it was cancelled by the end of that month; then it
  is reported as cancelled (Table 13) and carries no value;
- a credit note reduces the month it is dated in: a refund's credit note always, a void's
  only when the invoice it cancels belongs to an earlier month (a void in the invoice's own
  month already took the invoice out);
- a document's series is its number without the trailing digits (`INV-20261207-` for
  `INV-20261207-0012`, `KOR/26-27/` for `KOR/26-27/00123`), whatever the configured format.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch
from django.db.models.functions import TruncMonth
from django.utils import timezone

from billing.models import Invoice, InvoiceLine, InvoiceStatus, Payment, Refund
from branches.models import Branch
from core.formats import format_date
from core.money import ZERO, quantize_money
from core.payments import PaymentMethod
from receipts.models import Receipt, ReceiptKind

from .downloads import CSV, XLSX, Table, csv_text, workbook_bytes
from .tally import tally_xml

MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
# Above this, an inter-state invoice to an unregistered customer is reported on its own (Table 5,
# b2cl) rather than in the B2C summary: ₹1,00,000 since August 2024 (Notification 12/2024-CT).
B2CL_LIMIT = Decimal("100000.00")

# The GST state codes as the offline tool writes a place of supply ("29-Karnataka").
STATES = {
    "01": "Jammu & Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh", "05": "Uttarakhand",
    "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh", "10": "Bihar", "11": "Sikkim",
    "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur", "15": "Mizoram", "16": "Tripura",
    "17": "Meghalaya", "18": "Assam", "19": "West Bengal", "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh",
    "23": "Madhya Pradesh", "24": "Gujarat", "26": "Dadra & Nagar Haveli & Daman & Diu", "27": "Maharashtra",
    "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala", "33": "Tamil Nadu", "34": "Puducherry",
    "35": "Andaman & Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh", "38": "Ladakh",
    "97": "Other Territory",
}

# Table 13's "Nature of Document", as the offline tool's docs template spells them.
NATURE_INVOICE = "Invoices for outward supply"
NATURE_CREDIT_NOTE = "Credit Note"
NATURE_RECEIPT = "Receipt voucher"
NATURE_REFUND = "Refund voucher"
NATURE_ORDER = [NATURE_INVOICE, NATURE_CREDIT_NOTE, NATURE_RECEIPT, NATURE_REFUND]

# The offline tool's CSV templates: header rows, in the tool's column order.
GSTR1_HEADERS = {
    "b2b": [
        "GSTIN/UIN of Recipient", "Receiver Name", "Invoice Number", "Invoice date", "Invoice Value",
        "Place Of Supply", "Reverse Charge", "Applicable % of Tax Rate", "Invoice Type", "E-Commerce GSTIN",
        "Rate", "Taxable Value", "Cess Amount",
    ],
    "b2cl": [
        "Invoice Number", "Invoice date", "Invoice Value", "Place Of Supply", "Applicable % of Tax Rate", "Rate",
        "Taxable Value", "Cess Amount", "E-Commerce GSTIN",
    ],
    "b2cs": [
        "Type", "Place Of Supply", "Rate", "Applicable % of Tax Rate", "Taxable Value", "Cess Amount",
        "E-Commerce GSTIN",
    ],
    "cdnr": [
        "GSTIN/UIN of Recipient", "Receiver Name", "Note Number", "Note Date", "Note Type", "Place Of Supply",
        "Reverse Charge", "Note Supply Type", "Note Value", "Applicable % of Tax Rate", "Rate", "Taxable Value",
        "Cess Amount",
    ],
    "cdnur": [
        "UR Type", "Note Number", "Note Date", "Note Type", "Place Of Supply", "Note Value",
        "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount",
    ],
    "hsn_b2b": [
        "HSN", "Description", "UQC", "Total Quantity", "Total Value", "Rate", "Taxable Value",
        "Integrated Tax Amount", "Central Tax Amount", "State/UT Tax Amount", "Cess Amount",
    ],
    "docs": ["Nature of Document", "Sr. No. From", "Sr. No. To", "Total Number", "Cancelled"],
    "at": ["Place Of Supply", "Applicable % of Tax Rate", "Rate", "Gross Advance Received", "Cess Amount"],
    "atadj": ["Place Of Supply", "Applicable % of Tax Rate", "Rate", "Gross Advance Adjusted", "Cess Amount"],
}
GSTR1_HEADERS["hsn_b2c"] = GSTR1_HEADERS["hsn_b2b"]
# The workbook's sheets, named as the offline tool's Excel template names them.
GSTR1_SHEETS = {
    "b2b": "b2b", "b2cl": "b2cl", "b2cs": "b2cs", "cdnr": "cdnr", "cdnur": "cdnur", "hsn_b2b": "hsn(b2b)", "hsn_b2c": "hsn(b2c)", "docs": "docs",
    "at": "at", "atadj": "atadj",
}

DAY_BOOK_HEADERS = [
    "Date", "Number", "Type", "Against", "Customer", "Taxable value", "CGST", "SGST", "IGST", "Total",
    "Payment methods", "Status",
]

# --- the month ------------------------------------------------------------------------------


def month_bounds(month: str) -> tuple[date, date]:
    """Return the first and last day of "2026-11"; ValueError for anything else."""
    if not re.fullmatch(MONTH_PATTERN, month or ""):
        raise ValueError(f'"{month}" is not a month; write it as 2026-11.')
    start = datetime.strptime(month, "%Y-%m").date()
    return start, start + relativedelta(months=1, days=-1)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def series_of(number: str) -> tuple[str, int]:
    """Split a document number into its series and its serial: "KOR/26-27/00123" is ("KOR/26-27/", 123)."""
    match = re.fullmatch(r"(.*?)(\d+)", number)
    if match is None:
        return number, 0
    return match.group(1), int(match.group(2))


def _rate_text(rate: Decimal) -> str:
    """Write a GST rate as the tool reads it: 5, 18, 2.5."""
    return format(Decimal(rate).normalize(), "f")


def _place(state_code: str) -> str:
    return f"{state_code}-{STATES.get(state_code, 'Other Territory')}"


def _tool_date(day: date) -> str:
    """A date as the offline tool's CSVs write it: 07-Dec-2026."""
    return day.strftime("%d-%b-%Y")


# --- loading the month's documents ----------------------------------------------------------


@dataclass(frozen=True)
class TaxRow:
    """One line's taxable value and tax, signed: a credit note's are negative."""

    number: str
    day: date
    value: Decimal  # the whole document's value, as b2b and cdnr print it
    gstin: str  # the customer's; empty for an unregistered customer (B2C)
    receiver: str
    place: str
    hsn: str
    rate: Decimal
    quantity: int
    taxable: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    large: bool = False  # of a B2C inter-state invoice above B2CL_LIMIT (b2cl), or a note against one (cdnur)

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst


@dataclass
class MonthDocuments:
    branch: Branch
    start: date
    end: date
    invoices: list[Invoice]
    # Receipts dated in the month: advance receipts, credit notes, refund vouchers.
    receipts: list[Receipt]
    voided: dict[int, Invoice]  # credit note receipt id -> the invoice its void cancelled
    payments: list[Payment]
    refunds: list[Refund]

    def cancelled_in_month(self, invoice: Invoice) -> bool:
        """An invoice cancelled by the end of the month is reported as cancelled, without value."""
        if invoice.status != InvoiceStatus.CANCELLED:
            return False
        return invoice.cancelled_at is None or _local_day(invoice.cancelled_at) <= self.end

    def reported_invoices(self) -> list[Invoice]:
        return [invoice for invoice in self.invoices if not self.cancelled_in_month(invoice)]

    def receipts_of(self, kind: str) -> list[Receipt]:
        return [receipt for receipt in self.receipts if receipt.kind == kind]

    def credit_notes(self) -> list[Receipt]:
        """The credit notes whose value the month reports: refunds', and voids of earlier months' invoices."""
        return [
            note for note in self.receipts_of(ReceiptKind.CREDIT_NOTE)
            if note.pk not in self.voided or not self.start <= self.voided[note.pk].bill_date <= self.end
        ]

    def credited_invoice(self, note: Receipt) -> Invoice | None:
        """The invoice a credit note reverses: the one its void cancelled, or the sale its refund credits."""
        if note.pk in self.voided:
            return self.voided[note.pk]
        return next((refund.invoice for refund in self.refunds if refund.document_id == note.pk and refund.invoice_id), None)

    def receipt_day(self, receipt: Receipt) -> date:
        return _local_day(receipt.issued_at)


def month_documents(branch: Branch, month: str) -> MonthDocuments:
    """Load every document `branch` issued in `month` with what the files need, in a fixed number of queries."""
    start, end = month_bounds(month)
    invoices = list(
        Invoice.objects.filter(branch=branch, bill_date__range=(start, end))
        .select_related("customer", "receipt", "branch")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "pk")))
        .order_by("bill_date", "pk")
    )
    receipts = list(
        Receipt.objects.filter(
            branch=branch,
            issued_at__gte=_day_start(start),
            issued_at__lt=_day_start(end + relativedelta(days=1)),
            kind__in=[ReceiptKind.ADVANCE_RECEIPT, ReceiptKind.CREDIT_NOTE, ReceiptKind.REFUND_VOUCHER],
        )
        .select_related("customer")
        .order_by("issued_at", "pk")
    )
    notes = [receipt.pk for receipt in receipts if receipt.kind == ReceiptKind.CREDIT_NOTE]
    voided = {
        invoice.credit_note_receipt_id: invoice
        for invoice in Invoice.objects.filter(credit_note_receipt_id__in=notes)
        .select_related("customer", "branch")
        .prefetch_related("lines")
    }
    receipt_ids = [invoice.receipt_id for invoice in invoices if invoice.receipt_id] + [
        receipt.pk for receipt in receipts if receipt.kind == ReceiptKind.ADVANCE_RECEIPT
    ]
    payments = list(
        Payment.objects.filter(receipt_id__in=receipt_ids)
        .select_related("receipt__customer", "invoice")
        .order_by("pk")
    )
    refunds = list(
        Refund.objects.filter(document_id__in=[receipt.pk for receipt in receipts])
        .select_related("document__customer", "invoice__customer", "invoice__branch", "assignment")
        .order_by("pk")
    )
    return MonthDocuments(branch, start, end, invoices, receipts, voided, payments, refunds)


# --- tax rows -------------------------------------------------------------------------------


def _is_large(invoice: Invoice) -> bool:
    """Whether an invoice goes to b2cl: unregistered customer, another state, above B2CL_LIMIT."""
    place = invoice.place_of_supply or invoice.branch.state_code
    return not invoice.customer.gstin and place != invoice.branch.state_code and invoice.grand_total.amount > B2CL_LIMIT


def _invoice_rows(invoice: Invoice, *, number: str, day: date, sign: int, value: Decimal) -> list[TaxRow]:
    """An invoice's lines (sign 1), or as the void's credit note `number` takes them back (sign -1)."""
    customer = invoice.customer
    place = invoice.place_of_supply or invoice.branch.state_code
    large = _is_large(invoice)
    return [
        TaxRow(
            number=number, day=day, value=value, gstin=customer.gstin,
            receiver=customer.name, place=place, hsn=line.hsn_sac, rate=line.gst_rate,
            quantity=sign * line.quantity,
            taxable=sign * line.taxable_value.amount, cgst=sign * line.cgst.amount, sgst=sign * line.sgst.amount,
            igst=sign * line.igst.amount, large=large,
        )
        for line in invoice.lines.all()
    ]


def _refund_note_rows(note: Receipt, invoice: Invoice, day: date) -> list[TaxRow]:
    """A refund's credit note: its printed lines (GST inside the amount paid back), as negatives."""
    customer = invoice.customer
    return [
        TaxRow(
            number=note.number, day=day, value=note.amount.amount, gstin=customer.gstin, receiver=customer.name,
            place=invoice.place_of_supply or invoice.branch.state_code, hsn=line["hsn_sac"],
            rate=Decimal(line["gst_rate"]), quantity=0,
            taxable=-Decimal(line["taxable_value"]), cgst=-Decimal(line["cgst"]), sgst=-Decimal(line["sgst"]),
            igst=-Decimal(line["igst"]), large=_is_large(invoice),
        )
        for line in note.snapshot.get("lines", [])
    ]


def tax_rows(documents: MonthDocuments) -> list[TaxRow]:
    """Every taxed line the month reports: its invoices' lines, less its credit notes' lines."""
    rows = [
        row
        for invoice in documents.reported_invoices()
        for row in _invoice_rows(
            invoice, number=invoice.number, day=invoice.bill_date, sign=1, value=invoice.grand_total.amount
        )
    ]
    for note in documents.credit_notes():
        day, invoice = documents.receipt_day(note), documents.credited_invoice(note)
        if note.pk in documents.voided:
            rows += _invoice_rows(invoice, number=note.number, day=day, sign=-1, value=note.amount.amount)
        elif invoice is not None:
            rows += _refund_note_rows(note, invoice, day)
    return [row for row in rows if row.taxable or row.tax]


# --- GSTR-1 ---------------------------------------------------------------------------------


def _money(value) -> Decimal:
    return quantize_money(value)


def b2cs_table(rows: list[TaxRow]) -> Table:
    """Table 7: B2C supplies by place of supply and rate, net of their credit notes (b2cl's apart)."""
    totals: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if not row.gstin and not row.large:
            totals[row.place, row.rate] += row.taxable
    return Table(
        GSTR1_HEADERS["b2cs"],
        [
            ["OE", _place(place), _rate_text(rate), "", _money(taxable), _money(ZERO), ""]
            for (place, rate), taxable in sorted(totals.items())
            if taxable  # a supply its credit notes took back to nothing
        ],
    )


def _by_document_and_rate(rows: list[TaxRow]) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        totals[row.number, row.day, row.value, row.gstin, row.receiver, row.place, row.rate] += row.taxable
    return totals


def b2b_table(rows: list[TaxRow]) -> Table:
    """Table 4A: each invoice to a registered customer, one row per rate."""
    invoices = [row for row in rows if row.gstin and row.taxable > 0]
    return Table(
        GSTR1_HEADERS["b2b"],
        [
            [gstin, receiver, number, _tool_date(day), _money(value), _place(place), "N", "", "Regular B2B", "",
             _rate_text(rate), _money(taxable), _money(ZERO)]
            for (number, day, value, gstin, receiver, place, rate), taxable in _by_document_and_rate(invoices).items()
        ],
    )


def b2cl_table(rows: list[TaxRow]) -> Table:
    """Table 5: each large inter-state invoice to an unregistered customer, one row per rate."""
    invoices = [row for row in rows if row.large and row.taxable > 0]
    return Table(
        GSTR1_HEADERS["b2cl"],
        [
            [number, _tool_date(day), _money(value), _place(place), "", _rate_text(rate), _money(taxable),
             _money(ZERO), ""]
            for (number, day, value, _, _, place, rate), taxable in _by_document_and_rate(invoices).items()
        ],
    )


def cdnur_table(rows: list[TaxRow]) -> Table:
    """Table 9B, unregistered: each credit note against a b2cl invoice (UR type B2CL), one row per rate."""
    notes = [row for row in rows if row.large and row.taxable < 0]
    return Table(
        GSTR1_HEADERS["cdnur"],
        [
            ["B2CL", number, _tool_date(day), "C", _place(place), _money(value), "", _rate_text(rate),
             _money(-taxable), _money(ZERO)]
            for (number, day, value, _, _, place, rate), taxable in _by_document_and_rate(notes).items()
        ],
    )


def cdnr_table(rows: list[TaxRow]) -> Table:
    """Table 9B: each credit note to a registered customer, one row per rate (amounts positive, type C)."""
    notes = [row for row in rows if row.gstin and row.taxable < 0]
    return Table(
        GSTR1_HEADERS["cdnr"],
        [
            [gstin, receiver, number, _tool_date(day), "C", _place(place), "N", "Regular B2B", _money(value), "",
             _rate_text(rate), _money(-taxable), _money(ZERO)]
            for (number, day, value, gstin, receiver, place, rate), taxable in _by_document_and_rate(notes).items()
        ],
    )


def _is_service(hsn: str) -> bool:
    return hsn.startswith("99")


def hsn_table(rows: list[TaxRow], *, registered: bool) -> Table:
    """Table 12, its B2B or its B2C part: by SAC/HSN and rate, net of credit notes.

    Services are counted in no unit (UQC "NA", quantity 0), goods in numbers ("NOS").
    """
    totals: dict[tuple[str, Decimal], list] = {}
    for row in rows:
        if bool(row.gstin) != registered:
            continue
        entry = totals.setdefault((row.hsn, row.rate), [0, ZERO, ZERO, ZERO, ZERO])
        entry[0] += 0 if _is_service(row.hsn) else row.quantity
        entry[1] += row.taxable
        entry[2] += row.igst
        entry[3] += row.cgst
        entry[4] += row.sgst
    return Table(
        GSTR1_HEADERS["hsn_b2b"],
        [
            [hsn, "", "NA" if _is_service(hsn) else "NOS-NUMBERS", quantity, _money(taxable + igst + cgst + sgst),
             _rate_text(rate), _money(taxable), _money(igst), _money(cgst), _money(sgst), _money(ZERO)]
            for (hsn, rate), (quantity, taxable, igst, cgst, sgst) in sorted(totals.items())
            if quantity or taxable or igst or cgst or sgst
        ],
    )


def _series_rows(nature: str, documents: list[tuple[str, bool]]) -> list[list]:
    """Table 13's rows of one nature: per series, the first and last number, how many, how many cancelled."""
    by_series: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for number, cancelled in documents:
        prefix, serial = series_of(number)
        by_series[prefix].append((serial, number, cancelled))
    rows = []
    for _prefix, numbered in sorted(by_series.items()):
        numbered.sort()
        rows.append([nature, numbered[0][1], numbered[-1][1], len(numbered), sum(1 for *_, cancelled in numbered if cancelled)])
    return rows


def docs_table(documents: MonthDocuments) -> Table:
    """Table 13: the documents issued in the month per nature and series, with the cancelled ones."""
    receipts = [invoice.receipt.number for invoice in documents.invoices if invoice.receipt_id]
    receipts += [receipt.number for receipt in documents.receipts_of(ReceiptKind.ADVANCE_RECEIPT)]
    natures = {
        NATURE_INVOICE: [(invoice.number, documents.cancelled_in_month(invoice)) for invoice in documents.invoices],
        NATURE_CREDIT_NOTE: [(note.number, False) for note in documents.receipts_of(ReceiptKind.CREDIT_NOTE)],
        NATURE_RECEIPT: [(number, False) for number in receipts],
        NATURE_REFUND: [(voucher.number, False) for voucher in documents.receipts_of(ReceiptKind.REFUND_VOUCHER)],
    }
    return Table(
        GSTR1_HEADERS["docs"], [row for nature in NATURE_ORDER for row in _series_rows(nature, natures[nature])]
    )


def gstr1_tables(documents: MonthDocuments) -> dict[str, Table]:
    """Every GSTR-1 table of the month, keyed as the files are named.

    `at` and `atadj` (Table 11) stay empty: a package is taxed on its invoice when it is sold,
    and prepaid credit is a voucher taxed when it pays a bill, so no advance is taxed on receipt
    (docs/gst.md "Packages and tax").
    """
    rows = tax_rows(documents)
    return {
        "b2b": b2b_table(rows),
        "b2cl": b2cl_table(rows),
        "b2cs": b2cs_table(rows),
        "cdnr": cdnr_table(rows),
        "cdnur": cdnur_table(rows),
        "hsn_b2b": hsn_table(rows, registered=True),
        "hsn_b2c": hsn_table(rows, registered=False),
        "docs": docs_table(documents),
        "at": Table(GSTR1_HEADERS["at"], []),
        "atadj": Table(GSTR1_HEADERS["atadj"], []),
    }


# --- the day book ---------------------------------------------------------------------------


def _methods_text(rows) -> str:
    labels = dict(PaymentMethod.choices)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        totals[row.method] += row.amount.amount
    return "; ".join(f"{labels.get(method, method)} {amount:.2f}" for method, amount in totals.items())


def _summary_figures(snapshot: dict) -> list[Decimal]:
    summary = snapshot.get("summary", {})
    taxable = sum((Decimal(line.get("taxable_value", "0")) for line in snapshot.get("lines", [])), ZERO)
    return [_money(taxable), *(_money(Decimal(summary.get(head, "0"))) for head in ("cgst", "sgst", "igst"))]


def day_book_table(documents: MonthDocuments) -> Table:
    """Every document of the month, in date order: invoices, advance receipts, credit notes, refund vouchers."""
    paid: dict[int, list] = defaultdict(list)
    for payment in documents.payments:
        paid[payment.receipt_id].append(payment)
    refunded: dict[int, list] = defaultdict(list)
    for refund in documents.refunds:
        refunded[refund.document_id].append(refund)
    rows = []
    for invoice in documents.invoices:
        kind = "Tax invoice (package sale)" if invoice.kind == "package_sale" else "Tax invoice"
        taxable = sum((line.taxable_value.amount for line in invoice.lines.all()), ZERO)
        status = "Issued"
        if invoice.status == InvoiceStatus.CANCELLED:
            status = f"Cancelled on {format_date(invoice.cancelled_at)} ({invoice.credit_note_number})"
        rows.append([
            invoice.bill_date, invoice.number, kind, "", invoice.customer.name, _money(taxable),
            invoice.cgst.amount, invoice.sgst.amount, invoice.igst.amount, invoice.grand_total.amount,
            _methods_text(paid.get(invoice.receipt_id, [])), status,
        ])
    kinds = {
        ReceiptKind.ADVANCE_RECEIPT: "Receipt voucher (advance)",
        ReceiptKind.CREDIT_NOTE: "Credit note (refund)",
        ReceiptKind.REFUND_VOUCHER: "Refund voucher",
    }
    for receipt in documents.receipts:
        kind = "Credit note (void)" if receipt.pk in documents.voided else kinds[receipt.kind]
        # Receipt and refund vouchers move an advance, not a supply: no taxable value, no tax.
        figures = _summary_figures(receipt.snapshot) if receipt.kind == ReceiptKind.CREDIT_NOTE else [ZERO] * 4
        if receipt.kind == ReceiptKind.ADVANCE_RECEIPT:
            methods = _methods_text(paid.get(receipt.pk, []))
        else:
            methods = _methods_text(refunded.get(receipt.pk, []))
        rows.append([
            documents.receipt_day(receipt), receipt.number, kind, receipt.snapshot.get("invoice_number") or "",
            receipt.customer.name, *figures, receipt.amount.amount, methods, "Issued",
        ])
    rows.sort(key=lambda row: (row[0], row[1]))
    return Table(DAY_BOOK_HEADERS, rows)


# --- which months have files ----------------------------------------------------------------


def months_with_documents(branches) -> list[tuple[str, Branch]]:
    """(month, branch) for every month a branch issued a document in, newest first."""
    by_id = {branch.pk: branch for branch in branches}
    found: set[tuple[str, int]] = set()
    invoice_months = (
        Invoice.objects.filter(branch_id__in=by_id).annotate(month=TruncMonth("bill_date"))
        .order_by().values_list("month", "branch_id").distinct()
    )
    receipt_months = (
        Receipt.objects.filter(branch_id__in=by_id).exclude(kind=ReceiptKind.TAX_INVOICE)
        .annotate(month=TruncMonth("issued_at")).order_by().values_list("month", "branch_id").distinct()
    )
    for month, branch_id in [*invoice_months, *receipt_months]:
        found.add((month.strftime("%Y-%m"), branch_id))
    return [(month, by_id[branch_id]) for month, branch_id in sorted(found, key=lambda key: (key[0], -key[1]), reverse=True)]


# --- the files ------------------------------------------------------------------------------

# Each file of a month: its name (in the URL and the download's name) and what it is.
FILES = {
    "b2cs.csv": "GSTR-1 b2cs (Table 7)",
    "b2b.csv": "GSTR-1 b2b (Table 4A)",
    "b2cl.csv": "GSTR-1 b2cl (Table 5)",
    "cdnr.csv": "GSTR-1 cdnr (Table 9B)",
    "cdnur.csv": "GSTR-1 cdnur (Table 9B)",
    "hsn_b2c.csv": "GSTR-1 hsn(b2c) (Table 12)",
    "hsn_b2b.csv": "GSTR-1 hsn(b2b) (Table 12)",
    "docs.csv": "GSTR-1 docs (Table 13)",
    "at.csv": "GSTR-1 at (Table 11A)",
    "atadj.csv": "GSTR-1 atadj (Table 11B)",
    "gstr1.xlsx": "GSTR-1, every table on a sheet",
    "tally.xml": "Tally vouchers (TallyPrime XML)",
    "daybook.csv": "Day book",
}


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    content: bytes


def build_file(documents: MonthDocuments, name: str) -> File:
    """Build file `name` (a key of FILES) of the month; LookupError for any other name."""
    if name not in FILES:
        raise LookupError(f"No file {name!r}.")
    filename = f"{documents.branch.code}-{documents.start:%Y-%m}-{name}"
    if name == "tally.xml":
        return File(filename, "application/xml; charset=utf-8", tally_xml(documents))
    if name == "daybook.csv":
        return File(filename, f"{CSV}; charset=utf-8", csv_text(day_book_table(documents)).encode())
    tables = gstr1_tables(documents)
    if name == "gstr1.xlsx":
        return File(filename, XLSX, workbook_bytes({GSTR1_SHEETS[key]: table for key, table in tables.items()}))
    return File(filename, f"{CSV}; charset=utf-8", csv_text(tables[name.removesuffix(".csv")]).encode())
