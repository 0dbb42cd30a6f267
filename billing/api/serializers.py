"""Input and output serializers of the billing endpoints (shapes fixed by the integrators' contract, docs/api.md)."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Service
from core.api import MoneyAmountField, amount_field, id_field
from core.payments import MAX_PAYMENTS, TENDER_CHOICES
from customers.models import Customer
from packages.kinds import find_kind, kind_choices
from packages.models import MAX_EXPIRY_YEARS, AssignmentStatus, BenefitType, UsageKind

from ..models import Invoice, InvoiceLine, Payment
from ..services import CartItem, PaymentIn

QUANTITY_MAX = 1_000
GUESTS_MAX = 10_000


def receipt_path_field(help_text: str) -> serializers.CharField:
    """A receipt link as the seed gives it: a path on this server, not an absolute URL."""
    return serializers.CharField(allow_null=True, help_text=help_text)


def _resolve(model, pk, field: str, label: str):
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise serializers.ValidationError({field: [f"No {label} with id {pk}."]}) from None


# --- assign and pay -----------------------------------------------------------------------


class AssignInput(serializers.Serializer):
    customer_id = id_field()
    package_type = serializers.ChoiceField(choices=kind_choices())
    package_id = id_field(help_text="The template's id in its kind's endpoint.")
    service_id = id_field(required=False, allow_null=True, help_text="Required for a service package.")
    price_paid = amount_field(
        required=False, allow_null=True,
        help_text="The actual amount paid, GST included when an invoice is made (1200 at 18%: taxable 1016.95 "
        "+ GST). Left out: the list price (pay_for x service price) less discount, plus GST. Another price than "
        "that, or a discount beyond CASHIER_MAX_DISCOUNT_PERCENT, needs packages.override_package_price (403).",
    )
    discount = amount_field(required=False, default="0.00")
    expires_on = serializers.DateField(
        required=False, allow_null=True,
        help_text=f"Defaults to the template validity; from today to at most {MAX_EXPIRY_YEARS} years ahead.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    renews_assignment_id = id_field(
        required=False, allow_null=True,
        help_text="Renew this package of the same customer: the new period starts the day after it ends.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package_type"].choices = kind_choices()  # kinds registered after import too

    def validate(self, attrs):
        attrs["customer"] = _resolve(Customer, attrs["customer_id"], "customer_id", "customer")
        model = find_kind(attrs["package_type"]).model
        attrs["template"] = _resolve(model, attrs["package_id"], "package_id", model._meta.verbose_name)
        service_id = attrs.get("service_id")
        attrs["service"] = _resolve(Service, service_id, "service_id", "service") if service_id else None
        return attrs


class SalePaymentInput(serializers.Serializer):
    collect = serializers.BooleanField(default=True, help_text="false: sell now, take no payment.")
    method = serializers.ChoiceField(choices=TENDER_CHOICES, required=False)
    amount = amount_field(
        required=False, allow_null=True, help_text="Must equal the amount due; left out, the amount due."
    )
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")

    def validate(self, attrs):
        if attrs["collect"] and not attrs.get("method"):
            raise serializers.ValidationError({"method": ["Choose how the customer pays."]})
        return attrs


class SaleInvoiceInput(serializers.Serializer):
    create = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Issue a GST tax invoice for the sale; left out: yes for sessions and memberships, "
        "never for prepaid or kitty credit (an advance receipt, GST when redeemed).",
    )
    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=28, required=False, allow_null=True,
        help_text="GST rate in percent; left out, the package's own rate: the covered service's, or the rate "
        "configured for its kind. Sent, it must be that rate (400 otherwise).",
    )


class SaleReceiptInput(serializers.Serializer):
    generate = serializers.BooleanField(default=True)
    pdf = serializers.BooleanField(default=True, help_text="false: answer receipt_pdf_url as null.")


class AssignAndPayInput(serializers.Serializer):
    assignment = AssignInput()
    payment = SalePaymentInput(required=False, help_text="Left out: no payment is taken.")
    invoice = SaleInvoiceInput(required=False)
    receipt = SaleReceiptInput(required=False)


class AssignAndPayOutput(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    assignment_id = serializers.IntegerField()
    payment_id = serializers.IntegerField(allow_null=True)
    receipt_id = serializers.IntegerField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True)
    receipt_url = receipt_path_field("The receipt page's path, e.g. /receipts/67; null when none was issued.")
    receipt_pdf_url = receipt_path_field(
        "The receipt PDF's path, e.g. /receipts/67/download; null when none was issued or no PDF was asked for."
    )
    invoice_id = serializers.IntegerField(allow_null=True)
    invoice_number = serializers.CharField(allow_null=True)
    invoice_note = serializers.CharField(
        allow_null=True,
        help_text="Why no invoice was made although `invoice.create` was true (credit is a voucher, taxed when "
        "spent); null otherwise.",
    )


# --- preview and invoice ------------------------------------------------------------------


class BillItemInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["service", "product"])
    id = id_field()
    quantity = serializers.IntegerField(min_value=1, max_value=QUANTITY_MAX, default=1)
    staff_id = id_field(required=False, allow_null=True, help_text="The user who performed the service.")
    assignment_id = id_field(
        min_value=0, required=False, allow_null=True,
        help_text="The cashier's choice of a package for this line, used whatever use_credit says (a chosen "
        "prepaid or kitty credit pays this line, and only it); 0: no package and no credit on the line; "
        "left out or null: the rules choose.",
    )


class BillPaymentInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=TENDER_CHOICES)
    amount = amount_field(
        required=False, allow_null=True, help_text="Left out: whatever is still payable (one such entry at most)."
    )
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")


class BillInput(serializers.Serializer):
    customer_id = id_field()
    items = BillItemInput(many=True, min_length=1, max_length=100)
    discount = amount_field(required=False, default="0.00", help_text="A bill-level discount in rupees.")
    use_credit = serializers.BooleanField(
        required=False, default=False,
        help_text="true: the customer's prepaid and kitty credit pays, by itself (soonest expiry first, where usable), what is still due on every line not marked "
        "assignment_id 0 (and the round-off); false: no credit is spent but a credit chosen for a line "
        "with assignment_id.",
    )
    guests = serializers.IntegerField(min_value=1, max_value=GUESTS_MAX, required=False, allow_null=True)
    payments = BillPaymentInput(many=True, required=False, max_length=MAX_PAYMENTS)
    place_of_supply = serializers.RegexField(
        r"^\d{2}$", required=False, allow_null=True, allow_blank=True,
        help_text="GST state code where goods are shipped, when outside the spa's state.",
    )

    def cart(self) -> dict:
        """Return the keyword arguments `invoice_preview` and `invoice_create` take."""
        data = self.validated_data
        return {
            "customer": data["customer_id"],
            "items": [
                CartItem(
                    type=item["type"],
                    id=item["id"],
                    quantity=item["quantity"],
                    staff_id=item.get("staff_id"),
                    assignment_id=item.get("assignment_id"),
                )
                for item in data["items"]
            ],
            "discount": data["discount"],
            "use_credit": data["use_credit"],
            "guests": data.get("guests"),
            "place_of_supply": data.get("place_of_supply") or "",
            "payments": [
                PaymentIn(method=payment["method"], amount=payment.get("amount"), reference=payment["reference"])
                for payment in data.get("payments", [])
            ],
        }


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


# --- contract responses (documentation of the dicts the services build) -------------------


class AppliedPackageSerializer(serializers.Serializer):
    assignment_id = serializers.IntegerField()
    name = serializers.CharField()
    benefit_type = serializers.ChoiceField(choices=BenefitType.choices)
    quantity_covered = serializers.IntegerField()


class BillLineSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["service", "product"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyAmountField()
    gross = MoneyAmountField()
    discount = MoneyAmountField()
    taxable_value = MoneyAmountField()
    gst_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    cgst = MoneyAmountField()
    sgst = MoneyAmountField()
    igst = MoneyAmountField()
    total = MoneyAmountField()
    package_applied = AppliedPackageSerializer(allow_null=True)
    package_note = serializers.CharField(allow_null=True, help_text="Why no package applied, or null.")


class BillSummarySerializer(serializers.Serializer):
    package_subtotal = MoneyAmountField()
    services_subtotal = MoneyAmountField()
    products_subtotal = MoneyAmountField()
    subtotal = MoneyAmountField()
    discount = MoneyAmountField()
    cgst = MoneyAmountField()
    sgst = MoneyAmountField()
    igst = MoneyAmountField()
    round_off = MoneyAmountField(min_value=None, help_text="Negative when the total is rounded down.")
    grand_total = MoneyAmountField()
    credit_applied = MoneyAmountField()
    amount_payable = MoneyAmountField()


class SessionsBalance(serializers.Serializer):
    total = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()


class CreditBalance(serializers.Serializer):
    total = MoneyAmountField()
    remaining = MoneyAmountField()


class UpdatedPackageSerializer(serializers.Serializer):
    assignment_id = serializers.IntegerField()
    package_type = serializers.ChoiceField(choices=kind_choices())
    sessions = SessionsBalance()
    credit = CreditBalance()
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)


class PreviewOutput(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    lines = BillLineSerializer(many=True)
    summary = BillSummarySerializer()


class InvoiceCreatedOutput(PreviewOutput):
    invoice_id = serializers.IntegerField()
    invoice_number = serializers.CharField()
    updated_packages = UpdatedPackageSerializer(many=True)
    receipt_id = serializers.IntegerField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True)
    receipt_url = receipt_path_field("The receipt page's path, e.g. /receipts/67; null when none was issued.")
    receipt_pdf_url = receipt_path_field(
        "The receipt PDF's path, e.g. /receipts/67/download; null when none was issued or no PDF was asked for."
    )


class MoneyBackSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=TENDER_CHOICES)
    amount = MoneyAmountField()


class VoidOutput(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    updated_packages = UpdatedPackageSerializer(many=True)
    money_back = MoneyBackSerializer(
        many=True, help_text="The money to hand back, per method it was paid by (credit given back to a package is not money)."
    )
    total_money_back = MoneyAmountField(help_text="The sum of money_back.")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}],
        "nullable": True,
        "description": "Sessions left (an integer) for a service package, credit left (a decimal string) "
        "for prepaid and kitty credit, null for kinds without a balance.",
    }
)
class BalanceAfterField(serializers.Field):
    pass


class UsageRowSerializer(serializers.Serializer):
    invoice_number = serializers.CharField(allow_null=True, help_text="null for the sale of the package itself.")
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=UsageKind.choices,
        help_text="Sold, redeemed, given back (void), adjusted, refunded, transferred out or in, expiry extended, "
        "topped up, or its sale voided.",
    )
    item_name = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    amount = MoneyAmountField(min_value=None)
    balance_after = BalanceAfterField()
    reason = serializers.CharField(allow_null=True, help_text="Why: the manager's reason of an after-sale change.")
    by = serializers.CharField(allow_null=True, help_text="Who: the user who made the change.")
    at = serializers.DateTimeField(help_text="When the change was written.")
    branch = serializers.CharField(
        allow_null=True, help_text="Where: the code of the branch it was sold or used at (null for after-sale changes)."
    )


class UsageOutput(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    usage = UsageRowSerializer(many=True)


# --- REST resource /api/invoices ------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="line_type")
    benefit_type = serializers.ChoiceField(
        choices=BenefitType.choices, allow_blank=True, read_only=True, help_text="Empty when no package applied."
    )
    unit_price = MoneyAmountField()
    gross = MoneyAmountField()
    discount = MoneyAmountField()
    taxable_value = MoneyAmountField()
    cgst = MoneyAmountField()
    sgst = MoneyAmountField()
    igst = MoneyAmountField()
    total = MoneyAmountField()

    class Meta:
        model = InvoiceLine
        fields = [
            "id", "type", "service_id", "product_id", "name", "hsn_sac", "quantity", "unit_price", "gross",
            "discount", "taxable_value", "gst_rate", "cgst", "sgst", "igst", "total", "staff_id",
            "assignment_id", "benefit_type", "quantity_covered", "package_note",
        ]
        read_only_fields = fields


class InvoicePaymentSerializer(serializers.ModelSerializer):
    amount = MoneyAmountField()

    class Meta:
        model = Payment
        fields = ["id", "method", "amount", "reference", "assignment_id", "received_at"]
        read_only_fields = fields


class InvoiceSerializer(BillSummarySerializer, serializers.ModelSerializer):
    """A stored invoice: its summary figures (the bill summary's fields), lines and payments."""

    customer_id = serializers.IntegerField(read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    receipt_id = serializers.IntegerField(read_only=True, allow_null=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = InvoicePaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "kind", "status", "customer_id", "customer_name", "bill_date", "issued_at",
            "guests", "place_of_supply", "package_subtotal", "services_subtotal", "products_subtotal",
            "subtotal", "discount", "cgst", "sgst", "igst", "round_off", "grand_total", "credit_applied",
            "amount_payable", "receipt_id", "credit_note_number", "cancelled_at", "cancel_reason",
            "lines", "payments",
        ]
        read_only_fields = fields
