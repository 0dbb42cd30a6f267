"""Data on request (docs/customers-side.md): a customer's data as a zip of JSON and CSV, and erasure.

Erasure anonymises the person (name, phone, e-mail, date of birth, address, notes) and ends
every link; the tax records (invoices, receipts, credit notes, payments, the journal) stay, for
TAX_RECORD_MONTHS under the CGST Act s.36, attached to the same customer row, now known only by
an anonymous reference. No amount changes, so every report adds up as before. Each export and
erasure is logged twice: a `DataRequest` row and the admin's History (LogEntry).
"""

import csv
import io
import json
import secrets
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from billing.models import Invoice, Payment
from core.admin_history import log_operation
from customers.consent import reminders_opt_out_set
from customers.links import page_key_rotate
from customers.models import ConsentSource, Customer, DataRequest, DataRequestKind
from notifications.models import Notification
from packages.models import PackageAssignment
from receipts.models import Receipt

from .models import SignInCode

PROFILE_FIELDS = (
    "name",
    "phone",
    "email",
    "date_of_birth",
    "address",
    "state_code",
    "gstin",
    "notes",
    "created_at",
)
ERASED_PREFIX = "Erased customer"


def reference_of(customer: Customer) -> str:
    """The customer's anonymous reference: the same in the export, the log and after erasure."""
    return f"C-{customer.pk:06d}"


def _tables(customer: Customer) -> dict[str, list[dict]]:
    """Every table of the export: the customer's own rows only."""
    return {
        "profile": list(Customer.objects.filter(pk=customer.pk).values(*PROFILE_FIELDS)),
        "consent": list(customer.consents.order_by("at", "pk").values("channel", "status", "at", "how", "words")),
        "packages": list(
            PackageAssignment.objects.filter(customer=customer)
            .order_by("pk")
            .values(
                "package_name",
                "package_type",
                "status",
                "assigned_on",
                "expires_on",
                "total_sessions",
                "used_sessions",
                "remaining_sessions",
                "credit_amount",
                "credit_remaining",
                "price_paid",
            )
        ),
        "invoices": list(
            Invoice.objects.filter(customer=customer)
            .order_by("pk")
            .values(
                "number",
                "kind",
                "status",
                "bill_date",
                "subtotal",
                "grand_total",
                "credit_note_number",
                "cancelled_at",
                "cancel_reason",
            )
        ),
        "documents": list(
            Receipt.objects.filter(customer=customer).order_by("pk").values("number", "kind", "issued_at", "amount")
        ),
        "payments": list(
            Payment.objects.filter(customer=customer)
            .order_by("pk")
            .values(
                "method",
                "amount",
                "reference",
                "received_at",
                "invoice__number",
            )
        ),
        "messages": list(
            Notification.objects.filter(customer=customer)
            .order_by("pk")
            .values(
                "kind",
                "channel",
                "status",
                "recipient",
                "created_at",
                "sent_at",
            )
        ),
    }


def export_zip(customer: Customer) -> bytes:
    """The customer's data: one JSON file and one CSV file per table, in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in _tables(customer).items():
            archive.writestr(f"{name}.json", json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
            text = io.StringIO()
            if rows:
                writer = csv.DictWriter(text, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(
                    {key: "" if value is None else str(value) for key, value in row.items()} for row in rows
                )
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


def customer_export(customer: Customer, *, user) -> bytes:
    """Export on request: the zip, and the log of who exported whose data when."""
    with transaction.atomic():
        data = export_zip(customer)
        DataRequest.objects.create(
            customer=customer, kind=DataRequestKind.EXPORT, done_by=user, reference=reference_of(customer)
        )
        log_operation(user, [customer], f"Exported the customer's data on request ({reference_of(customer)}).")
    return data


@dataclass(frozen=True)
class Erased:
    reference: str


def _anonymous_phone() -> str:
    """A phone no one has: "+00" and 12 random digits (the column stays unique)."""
    while True:
        phone = "+00" + "".join(secrets.choice("0123456789") for _ in range(12))
        if not Customer.objects.filter(phone=phone).exists():
            return phone


def customer_erase(customer: Customer, *, user) -> Erased:
    """Erase on request: the person becomes an anonymous reference; the tax records stay, unchanged.

    Name, phone, e-mail, date of birth, address and notes are overwritten; reminders stop; the
    page key is rotated (every link and QR code sent ends); sign-in codes go, and the addresses
    messages went to are blanked. Invoices, receipts, payments and the journal keep their amounts.
    """
    reference = reference_of(customer)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        customer.name = f"{ERASED_PREFIX} {reference}"
        customer.phone = _anonymous_phone()
        customer.email = ""
        customer.date_of_birth = None
        customer.address = ""
        customer.notes = ""
        customer.save(update_fields=["name", "phone", "email", "date_of_birth", "address", "notes"])
        reminders_opt_out_set(customer=customer, opt_out=True, how=ConsentSource.ADMIN, by=user)
        page_key_rotate(customer)
        SignInCode.objects.filter(customer=customer).delete()
        Notification.objects.filter(customer=customer).update(recipient="", updated_at=timezone.now())
        DataRequest.objects.create(customer=customer, kind=DataRequestKind.ERASE, done_by=user, reference=reference)
        log_operation(user, [customer], f"Erased the customer's personal data on request; now {reference}.")
    return Erased(reference)
