"""The accountant's files (docs/gst.md "Files for the accountant"), downloaded over HTTP and read back.

A month at one branch: a bill of a service and a product, a bill voided the same day, two
3+1 facial packages (one refunded on a credit note), prepaid credit (refunded on a refund
voucher), prepaid credit topped up and spent on a bill, a bill to a registered customer, and
last month's package sale voided this month.
Every file's figures are checked against the invoices and credit notes, to the paisa.
"""
import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from billing.models import Invoice, InvoiceStatus, Payment, Refund
from billing.numbering import format_number
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create, invoice_void
from billing.services.aftersale import assignment_refund, assignment_top_up
from branches.selectors import default_branch
from receipts.models import Receipt, ReceiptKind
from reports import selectors
from reports.accountant import series_of
from tests.factories import (
    CustomerFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def month(db):
    """Everything the month's files hold, issued through the services as the counter does."""
    today = timezone.localdate()
    manager = UserFactory(username="files-manager", groups=["Manager"])
    cashier = UserFactory(username="files-cashier", groups=["Cashier"])
    facial = ServiceFactory(name="Facial", price="1200.00", sac_code="999722")
    massage = ServiceFactory(name="Massage", price="1000.00", sac_code="999722")
    cream = ProductFactory(name="Cream", price="500.00", hsn_code="3304")
    asha = CustomerFactory(name="Asha Rao", phone="+919800000101")
    invoice_create(
        customer=asha, cashier=cashier,
        items=[CartItem(type="service", id=facial.pk, quantity=1), CartItem(type="product", id=cream.pk, quantity=1)],
        payments=[PaymentIn("cash", D("850.00")), PaymentIn("upi")],
    )
    wrong = invoice_create(customer=asha, cashier=cashier, items=[CartItem(type="service", id=massage.pk, quantity=1)],
                           payments=[PaymentIn("cash")])
    invoice_void(invoice=wrong.invoice, reason="Wrong customer", user=manager)
    assignment_sell(customer=asha, template=ServicePackageFactory(name="Facial 3+1"), service=facial, user=manager,
                 payment=PaymentIn("card"))
    refunded = assignment_sell(customer=CustomerFactory(name="Bina", phone="+919800000102"),
                            template=ServicePackageFactory(name="Facial 3+1 B"), service=facial, user=manager,
                            payment=PaymentIn("cash"))
    assignment_refund(assignment_id=refunded.assignment.pk, user=manager, reason="Moving away", method="cash")
    prepaid = assignment_sell(customer=asha, template=PrepaidPackageFactory(name="Gold credit"), user=manager,
                           payment=PaymentIn("upi"))
    assignment_refund(assignment_id=prepaid.assignment.pk, user=manager, reason="Changed mind", method="upi")
    devi = CustomerFactory(name="Devi", phone="+919800000105")
    gold = assignment_sell(customer=devi, template=PrepaidPackageFactory(name="Gold credit D"), user=manager,
                        payment=PaymentIn("upi")).assignment
    assignment_top_up(assignment_id=gold.pk, user=manager, credit=D("5000.00"), price_paid=D("5000.00"),
                      payment=PaymentIn("cash"))
    invoice_create(customer=devi, cashier=cashier, items=[CartItem(type="service", id=massage.pk, quantity=1)],
                   use_credit=True)
    firm = CustomerFactory(name="Lotus Events LLP", phone="+919800000103", gstin="29ABCFE1234F1ZS", state_code="29")
    invoice_create(customer=firm, cashier=cashier, items=[CartItem(type="service", id=massage.pk, quantity=2)],
                   payments=[PaymentIn("bank_transfer")])
    last_month = today.replace(day=1) - timedelta(days=1)
    earlier = assignment_sell(customer=CustomerFactory(name="Chitra", phone="+919800000104"),
                           template=ServicePackageFactory(name="Facial 3+1 C"), service=facial, user=manager,
                           payment=PaymentIn("cash"), bill_date=last_month)
    invoice_void(invoice=earlier.invoice, reason="Sold by mistake", user=manager)
    return {"manager": manager, "today": today, "key": today.strftime("%Y-%m"), "branch": default_branch()}


@pytest.fixture
def download(client, month):
    client.force_login(month["manager"])

    def get(name: str, *, key: str | None = None):
        response = client.get(f"/reports/files/{key or month['key']}/{month['branch'].code}/{name}")
        assert response.status_code == 200, response.content[:300]
        return response

    return get


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def month_credit_notes(month) -> list[Receipt]:
    return [note for note in Receipt.objects.filter(kind=ReceiptKind.CREDIT_NOTE)
            if timezone.localtime(note.issued_at).date().strftime("%Y-%m") == month["key"]]


def test_b2cs_is_the_month_s_b2c_supplies_net_of_credit_notes(download):
    rows = read_csv(download("b2cs.csv"))

    # 5%: facial 1,200 + a massage paid by credit 1,000 + two 3+1 packages 3,600 each, less the refund's 3,600
    # and last month's voided 3,600; the voided massage is not there, the registered customer's are in b2b.
    assert [(row["Type"], row["Place Of Supply"], row["Rate"], row["Taxable Value"]) for row in rows] == [
        ("OE", "29-Karnataka", "5", "2200.00"),
        ("OE", "29-Karnataka", "18", "500.00"),
    ]
    assert list(rows[0]) == ["Type", "Place Of Supply", "Rate", "Applicable % of Tax Rate", "Taxable Value",
                             "Cess Amount", "E-Commerce GSTIN"]


def test_b2cs_and_b2b_add_up_to_the_invoices_less_the_credit_notes(download, month):
    b2cs = sum(D(row["Taxable Value"]) for row in read_csv(download("b2cs.csv")))
    b2b = sum(D(row["Taxable Value"]) for row in read_csv(download("b2b.csv")))
    start = month["today"].replace(day=1)
    issued = Invoice.objects.filter(bill_date__gte=start, status=InvoiceStatus.ISSUED)
    invoiced = sum(line.taxable_value.amount for invoice in issued for line in invoice.lines.all())
    # A void of this month's invoice took the invoice out already; a refund's, or a void of last month's, counts.
    credited = sum(
        D(line["taxable_value"]) for note in month_credit_notes(month) for line in note.snapshot["lines"]
        if not Invoice.objects.filter(credit_note_receipt=note, bill_date__gte=start).exists()
    )

    assert b2cs + b2b == invoiced - credited == D("4700.00")


def test_b2b_lists_the_registered_customer_s_invoice(download):
    (row,) = read_csv(download("b2b.csv"))
    invoice = Invoice.objects.get(customer__gstin="29ABCFE1234F1ZS")

    assert (row["GSTIN/UIN of Recipient"], row["Receiver Name"], row["Invoice Number"]) == (
        "29ABCFE1234F1ZS", "Lotus Events LLP", invoice.number,
    )
    assert row["Invoice date"] == invoice.bill_date.strftime("%d-%b-%Y")
    assert (row["Invoice Value"], row["Rate"], row["Taxable Value"]) == ("2100.00", "5", "2000.00")
    assert read_csv(download("cdnr.csv")) == []


def test_hsn_b2c_sums_by_code_and_rate_with_the_tax_heads(download):
    rows = {(row["HSN"], row["Rate"]): row for row in read_csv(download("hsn_b2c.csv"))}

    assert set(rows) == {("3304", "18"), ("999722", "5")}
    cream, services = rows["3304", "18"], rows["999722", "5"]
    assert (cream["UQC"], cream["Total Quantity"], cream["Taxable Value"], cream["Central Tax Amount"],
            cream["State/UT Tax Amount"], cream["Total Value"]) == ("NOS-NUMBERS", "1", "500.00", "45.00", "45.00", "590.00")
    assert (services["UQC"], services["Total Quantity"], services["Taxable Value"], services["Central Tax Amount"],
            services["State/UT Tax Amount"], services["Integrated Tax Amount"]) == ("NA", "0", "2200.00", "55.00", "55.00", "0.00")
    (registered,) = read_csv(download("hsn_b2b.csv"))
    assert (registered["HSN"], registered["Taxable Value"], registered["Central Tax Amount"]) == ("999722", "2000.00", "50.00")


def test_docs_counts_each_series_issued_and_cancelled(download, month):
    rows = read_csv(download("docs.csv"))
    start = month["today"].replace(day=1)
    invoices = Invoice.objects.filter(bill_date__gte=start)

    def series(name):  # the series today's numbers of `name` belong to, e.g. MAIN/26-27R
        return series_of(format_number(name, day=month["today"], seq=1, branch=default_branch().code))[0]

    expected = {
        ("Invoices for outward supply", series_of(invoices.first().number)[0]): (
            invoices.count(), invoices.filter(status=InvoiceStatus.CANCELLED).count(),
        ),
        ("Credit Note", series_of(month_credit_notes(month)[0].number)[0]): (len(month_credit_notes(month)), 0),
        ("Receipt voucher", series("REC")): (  # each bill's receipt, and the advance receipts of the month
            invoices.exclude(receipt=None).count()
            + Receipt.objects.filter(kind=ReceiptKind.ADVANCE_RECEIPT, issued_at__date__gte=start).count(), 0,
        ),
        ("Refund voucher", series("RV")): (1, 0),
    }

    found = {
        (row["Nature of Document"], series_of(row["Sr. No. From"])[0]): (int(row["Total Number"]), int(row["Cancelled"]))
        for row in rows
    }
    assert found == expected
    assert expected[("Invoices for outward supply", series_of(invoices.first().number)[0])] == (6, 1)
    for row in rows:  # gapless series: the first to the last number is every one of them
        assert series_of(row["Sr. No. To"])[1] - series_of(row["Sr. No. From"])[1] + 1 == int(row["Total Number"])


def test_last_month_still_reports_the_invoice_voided_this_month(download, month):
    last = (month["today"].replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    rows = read_csv(download("b2cs.csv", key=last))
    (docs,) = [row for row in read_csv(download("docs.csv", key=last))
               if row["Nature of Document"] == "Invoices for outward supply"]

    assert [(row["Rate"], row["Taxable Value"]) for row in rows] == [("5", "3600.00")]
    assert (docs["Total Number"], docs["Cancelled"]) == ("1", "0")


def test_at_and_atadj_are_empty_templates_and_the_workbook_has_every_sheet(download):
    assert download("at.csv").content.decode().strip() == (
        "Place Of Supply,Applicable % of Tax Rate,Rate,Gross Advance Received,Cess Amount"
    )
    assert read_csv(download("atadj.csv")) == []

    workbook = load_workbook(io.BytesIO(download("gstr1.xlsx").content))

    assert workbook.sheetnames == [
        "b2b", "b2cl", "b2cs", "cdnr", "cdnur", "hsn(b2b)", "hsn(b2c)", "docs", "at", "atadj",
    ]
    b2cs = list(workbook["b2cs"].iter_rows(min_row=2, values_only=True))
    assert sum(D(str(row[4])) for row in b2cs) == D("2700.00")


def voucher_amounts(voucher) -> list[tuple[str, str, Decimal]]:
    return [
        (entry.findtext("LEDGERNAME"), entry.findtext("ISDEEMEDPOSITIVE"), D(entry.findtext("AMOUNT")))
        for entry in voucher.findall("ALLLEDGERENTRIES.LIST")
    ]


def test_tally_vouchers_balance_and_match_the_documents(download, month):
    root = ET.fromstring(download("tally.xml").content)
    vouchers = root.findall("./BODY/IMPORTDATA/REQUESTDATA/TALLYMESSAGE/VOUCHER")
    by_type: dict[str, list] = {}
    for voucher in vouchers:
        by_type.setdefault(voucher.findtext("VOUCHERTYPENAME"), []).append(voucher)
    start = month["today"].replace(day=1)

    assert root.findtext("./HEADER/TALLYREQUEST") == "Import Data"
    assert root.findtext("./BODY/IMPORTDATA/REQUESTDESC/REPORTNAME") == "Vouchers"
    for voucher in vouchers:
        entries = voucher_amounts(voucher)
        assert sum(amount for *_, amount in entries) == 0, voucher.findtext("VOUCHERNUMBER")
        assert all((flag == "Yes") == (amount < 0) for _, flag, amount in entries)
        assert len(voucher.findtext("DATE")) == 8

    def party_total(name):
        return -sum(amount for voucher in by_type[name] for ledger, _, amount in voucher_amounts(voucher)
                    if ledger == voucher.findtext("PARTYLEDGERNAME"))

    reported = Invoice.objects.filter(bill_date__gte=start, status=InvoiceStatus.ISSUED)
    assert party_total("Sales") == sum(invoice.grand_total.amount for invoice in reported) == D("12560.00")
    cancelled = [voucher for voucher in by_type["Sales"] if voucher.findtext("ISCANCELLED") == "Yes"]
    assert len(cancelled) == 1 and voucher_amounts(cancelled[0]) == []
    # The credit notes (a refund's, and the void of last month's sale) credit the party with what they pay back.
    assert -party_total("Credit Note") == D("7560.00")
    assert {voucher.findtext("VOUCHERNUMBER") for voucher in by_type["Credit Note"]} < {
        note.number for note in month_credit_notes(month)
    }
    received = sum(payment.amount.amount for payment in Payment.objects.filter(receipt__isnull=False))
    assert -party_total("Receipt") == received - D("3780.00")  # last month's sale was received last month
    # Credit spent on a bill is money received from the advances; credit loaded or topped up goes to them.
    receipts = [voucher_amounts(voucher) for voucher in by_type["Receipt"]]
    assert [("Customer advances", "Yes", D("-1050.00")), ("Counter customers", "No", D("1050.00"))] in receipts
    assert [("Cash", "Yes", D("-5000.00")), ("Customer advances", "No", D("5000.00"))] in receipts
    paid_back = sum(refund.amount.amount for refund in Refund.objects.all())
    assert party_total("Payment") == paid_back


def test_tally_ledger_names_come_from_the_setting(download, settings):
    settings.ACCOUNTANT_LEDGERS = {"payment": {"cash": "Cash in hand"}, "gst": {"cgst": "CGST Output 2.5%"}}

    xml = download("tally.xml").content.decode()

    assert "<LEDGERNAME>Cash in hand</LEDGERNAME>" in xml
    assert "<LEDGERNAME>CGST Output 2.5%</LEDGERNAME>" in xml
    assert "<LEDGERNAME>UPI settlements</LEDGERNAME>" in xml  # the others keep their defaults


def test_day_book_lists_every_document_and_its_totals(download, month):
    rows = read_csv(download("daybook.csv"))
    by_type: dict[str, list] = {}
    for row in rows:
        by_type.setdefault(row["Type"], []).append(row)
    start = month["today"].replace(day=1)
    invoices = Invoice.objects.filter(bill_date__gte=start)

    def total(kinds, column="Total"):
        return sum(D(row[column]) for kind in kinds for row in by_type.get(kind, []))

    assert total(["Tax invoice", "Tax invoice (package sale)"]) == sum(i.grand_total.amount for i in invoices)
    assert total(["Tax invoice", "Tax invoice (package sale)"], "CGST") == sum(i.cgst.amount for i in invoices)
    assert total(["Credit note (void)", "Credit note (refund)"]) == sum(n.amount.amount for n in month_credit_notes(month))
    assert total(["Refund voucher"]) == D("15000.00")
    assert total(["Receipt voucher (advance)"]) == D("35000.00")  # two prepaid credits and a top-up
    assert len(rows) == invoices.count() + len(month_credit_notes(month)) + 1 + 3
    voided = next(row for row in by_type["Tax invoice"] if row["Status"].startswith("Cancelled"))
    assert voided["Customer"] == "Asha Rao"
    first = next(row for row in by_type["Tax invoice"] if row["Payment methods"].startswith("Cash"))
    assert first["Payment methods"] == "Cash 850.00; UPI 1000.00"


def test_the_files_page_lists_the_months_with_a_download_each(client, month):
    client.force_login(month["manager"])
    last = (month["today"].replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    page = client.get("/reports/files").content.decode()

    code = month["branch"].code
    for key in (month["key"], last):
        for name in ("b2cs.csv", "docs.csv", "gstr1.xlsx", "tally.xml", "daybook.csv"):
            assert f'href="/reports/files/{key}/{code}/{name}"' in page


def test_a_cashier_may_not_download_and_unknown_files_are_not_found(client, month):
    client.force_login(UserFactory(username="files-counter", groups=["Cashier"]))
    assert client.get(f"/reports/files/{month['key']}/{month['branch'].code}/b2cs.csv").status_code == 403
    assert client.get("/reports/files").status_code == 403
    client.force_login(month["manager"])
    assert client.get(f"/reports/files/{month['key']}/{month['branch'].code}/secrets.csv").status_code == 404
    assert client.get(f"/reports/files/2026-13/{month['branch'].code}/b2cs.csv").status_code == 404
    assert client.get(f"/reports/files/{month['key']}/NOPE/b2cs.csv").status_code == 404


def test_the_command_writes_every_file_of_the_month(month, tmp_path):
    out = io.StringIO()

    call_command("accountant_files", "--month", month["key"], "--out", str(tmp_path), stdout=out)

    code = month["branch"].code
    written = sorted(path.name for path in tmp_path.iterdir())
    assert f"{code}-{month['key']}-tally.xml" in written and len(written) == 13
    b2cs = (tmp_path / f"{code}-{month['key']}-b2cs.csv").read_text()
    assert "29-Karnataka,5,,2200.00" in b2cs


@pytest.mark.parametrize("name", ["tally.xml", "daybook.csv", "gstr1.xlsx"])
def test_a_file_takes_a_fixed_number_of_queries(download, django_assert_max_num_queries, name):
    # The session, the user and their branches, then the month's documents in one query a kind.
    with django_assert_max_num_queries(10):
        download(name)


def test_the_day_book_ties_out_to_the_package_sales_report(download, month):
    rows = read_csv(download("daybook.csv"))
    start = month["today"].replace(day=1)
    report = selectors.package_sales(date_from=start, date_to=month["today"], group="month", branch=month["branch"])

    def tax(row):
        return D(row["CGST"]) + D(row["SGST"]) + D(row["IGST"])

    # The report counts the GST of the month's package-sale invoices, less that of package sales voided in it.
    charged = sum(tax(row) for row in rows if row["Type"] == "Tax invoice (package sale)")
    voided = sum(
        tax(row) for row in rows
        if row["Type"] == "Credit note (void)" and Invoice.objects.get(number=row["Against"]).kind == "package_sale"
    )
    assert charged - voided == sum(row["gst"] for row in report["rows"]) == D("180.00")


def test_docs_reads_the_series_of_a_financial_year_format(client, settings):
    """Numbers like KOR/26-27/00123: the series is the number without its serial, whatever the format."""
    settings.INVOICE_NUMBER_FORMAT = "{branch}/26-27/{seq:05d}"
    settings.RECEIPT_NUMBER_FORMAT = "{branch}/R/26-27/{seq:05d}"
    settings.CREDIT_NOTE_NUMBER_FORMAT = "{branch}/CN/26-27/{seq:04d}"
    manager = UserFactory(username="fy-manager", groups=["Manager"])
    massage = ServiceFactory(name="Massage", price="1000.00")
    bills = [
        invoice_create(customer=CustomerFactory(), cashier=manager, payments=[PaymentIn("cash")],
                       items=[CartItem(type="service", id=massage.pk, quantity=1)]).invoice
        for _ in range(3)
    ]
    invoice_void(invoice=bills[1], reason="Twice", user=manager)
    code = default_branch().code
    client.force_login(manager)

    response = client.get(f"/reports/files/{timezone.localdate():%Y-%m}/{code}/docs.csv")

    assert [list(row.values()) for row in read_csv(response)] == [
        ["Invoices for outward supply", f"{code}/26-27/00001", f"{code}/26-27/00003", "3", "1"],
        ["Credit Note", f"{code}/CN/26-27/0001", f"{code}/CN/26-27/0001", "1", "0"],
        ["Receipt voucher", f"{code}/R/26-27/00001", f"{code}/R/26-27/00003", "3", "0"],
    ]


def test_the_command_refuses_a_bad_month_or_branch_in_plain_words(db, tmp_path):
    with pytest.raises(CommandError, match="write it as 2026-11"):
        call_command("accountant_files", "--month", "11-2026", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="NOPE"):
        call_command("accountant_files", "--month", "2026-11", "--branch", "NOPE", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_large_inter_state_sale_to_an_unregistered_customer_is_b2cl_and_its_credit_note_cdnur(client):
    """Above ₹1,00,000 to another state: Table 5 (b2cl), not the B2C summary; a later void's note in cdnur."""
    manager = UserFactory(username="b2cl-manager", groups=["Manager"])
    chair = ProductFactory(name="Pedicure chair", price="100000.00", gst_rate=D("18.00"), hsn_code="9401")
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    shipped = [
        invoice_create(customer=CustomerFactory(), cashier=manager, place_of_supply="27", bill_date=day,
                       items=[CartItem(type="product", id=chair.pk, quantity=1)], payments=[PaymentIn("bank_transfer")]).invoice
        for day in (today, last_month)
    ]
    invoice_void(invoice=shipped[1], reason="Returned", user=manager)
    client.force_login(manager)
    base = f"/reports/files/{today:%Y-%m}/{default_branch().code}"

    (b2cl,) = read_csv(client.get(f"{base}/b2cl.csv"))
    (cdnur,) = read_csv(client.get(f"{base}/cdnur.csv"))

    assert (b2cl["Invoice Number"], b2cl["Invoice Value"], b2cl["Place Of Supply"], b2cl["Rate"],
            b2cl["Taxable Value"]) == (shipped[0].number, "118000.00", "27-Maharashtra", "18", "100000.00")
    assert (cdnur["UR Type"], cdnur["Note Number"], cdnur["Note Value"], cdnur["Taxable Value"]) == (
        "B2CL", shipped[1].credit_note_number, "118000.00", "100000.00",
    )
    assert read_csv(client.get(f"{base}/b2cs.csv")) == []
    assert read_csv(client.get(f"{base}/hsn_b2c.csv")) == []  # this month's chair less last month's: nothing
