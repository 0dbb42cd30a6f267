"""After the sale (managers): `POST /api/assignments/<id>/refund|transfer|extend|adjust|top-up`.

One view per operation: validate the body, call the service, answer the shape docs/api.md gives.
Each needs its own permission (core.permissions), so a cashier gets 403; refusals are
the JSON error body with nothing written; an unknown package is a 404.
"""
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import amount_field, envelope, id_field
from core.payments import TENDER_CHOICES
from core.permissions import HasPerm
from packages.models import MAX_EXPIRY_YEARS, PackageAssignment
from packages.presenters import updated_package
from packages.services import assignment_adjust, assignment_extend, assignment_transfer

from ..services import PaymentIn, assignment_refund, assignment_top_up
from .serializers import UpdatedPackageSerializer
from .views import receipt_links

REASON = {"max_length": 255, "help_text": "Why: kept on the package's usage history with who and when."}
SESSIONS_MAX = 10_000


def _packages(*assignments: PackageAssignment) -> list[dict]:
    """Return `updated_packages` as the rows stand after the commit."""
    rows = PackageAssignment.objects.in_bulk([assignment.pk for assignment in assignments])
    return [updated_package(rows[assignment.pk]) for assignment in assignments]


class RefundInput(serializers.Serializer):
    reason = serializers.CharField(**REASON)
    method = serializers.ChoiceField(choices=TENDER_CHOICES, help_text="How the money goes back.")
    amount = amount_field(
        required=False, allow_null=True, min_value=None,
        help_text="Less than the full refund; left out, the value left plus the GST charged on it.",
    )
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")


RefundOutput = envelope(
    "RefundResponse",
    refund_amount=amount_field(help_text="Rupees paid back."),
    document_number=serializers.CharField(help_text="The credit note (MAIN/26-27C00001) or refund voucher (MAIN/26-27V00001)."),
    document_id=serializers.IntegerField(help_text="The credit note's or refund voucher's id (a receipt)."),
    document_url=serializers.CharField(help_text="Its page's path, e.g. /receipts/68, as a sale answers receipt_url."),
    document_pdf_url=serializers.CharField(help_text="Its PDF's path, e.g. /receipts/68/download."),
    updated_packages=UpdatedPackageSerializer(many=True),
)


class TransferInput(serializers.Serializer):
    to_customer_id = id_field(help_text="The customer who receives the balance.")
    reason = serializers.CharField(**REASON)


TransferOutput = envelope(
    "TransferResponse",
    assignment_id=serializers.IntegerField(help_text="The new assignment, the other customer's."),
    updated_packages=UpdatedPackageSerializer(many=True, help_text="The old assignment (transferred), then the new."),
)


class ExtendInput(serializers.Serializer):
    expires_on = serializers.DateField(help_text=f"Later than the current expiry, at most {MAX_EXPIRY_YEARS} years ahead.")
    reason = serializers.CharField(**REASON)


class AdjustInput(serializers.Serializer):
    sessions = serializers.IntegerField(
        required=False, allow_null=True, min_value=-SESSIONS_MAX, max_value=SESSIONS_MAX,
        help_text="Sessions to add (positive) or take away (negative).",
    )
    credit = amount_field(
        required=False, allow_null=True, min_value=None, help_text="Credit to add or take away, e.g. \"-500.00\"."
    )
    reason = serializers.CharField(**REASON)

    def validate(self, attrs):
        if bool(attrs.get("sessions")) == bool(attrs.get("credit")):
            message = "Give either sessions or credit, not zero and not both."
            raise serializers.ValidationError({"sessions": [message]})
        return attrs


class TopUpPaymentInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=TENDER_CHOICES)
    amount = amount_field(required=False, allow_null=True, help_text="Must equal price_paid; left out, price_paid.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")


class TopUpInput(serializers.Serializer):
    credit = amount_field(help_text="Credit added.")
    price_paid = amount_field(help_text="What the customer pays for it (no GST on credit when loaded).")
    payment = TopUpPaymentInput()


UpdatedOutput = envelope("AfterSaleResponse", updated_packages=UpdatedPackageSerializer(many=True))
TopUpOutput = envelope(
    "TopUpResponse",
    payment_id=serializers.IntegerField(),
    receipt_id=serializers.IntegerField(),
    receipt_number=serializers.CharField(),
    receipt_url=serializers.CharField(),
    receipt_pdf_url=serializers.CharField(),
    updated_packages=UpdatedPackageSerializer(many=True),
)


class AfterSaleApi(APIView):
    """Base: parse the body with `input_class`, run `perform` in one transaction."""

    input_class: type[serializers.Serializer]

    def post(self, request, assignment_id: str):
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            body = self.perform(int(assignment_id), data.validated_data, request.user)
        return Response({"success": True, **body})

    def perform(self, assignment_id: int, data: dict, user) -> dict:
        raise NotImplementedError


def _schema(operation: str, summary: str, request, response, example: dict):
    """Document a view's POST: its operation id, body, answer and an example."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"assignments_{operation}",
            summary=summary,
            request=request,
            responses={200: response},
            examples=[OpenApiExample(summary, value=example, request_only=True)],
            tags=["after the sale"],
        )
    )


@_schema(
    "refund", "Refund a package (manager)", RefundInput, RefundOutput,
    {"reason": "Moving abroad", "method": "upi", "amount": None},
)
class RefundApi(AfterSaleApi):
    """Refund what a package has left: a credit note (taxed kinds) or a refund voucher (credit)."""

    permission_classes = [HasPerm("refund_assignment")]
    input_class = RefundInput

    def perform(self, assignment_id, data, user):
        result = assignment_refund(
            assignment_id=assignment_id, user=user, reason=data["reason"], method=data["method"],
            amount=data.get("amount"), reference=data["reference"],
        )
        links = receipt_links(result.document)
        return {
            "refund_amount": str(result.refund_amount),
            "document_number": result.document.number,
            "document_id": links["receipt_id"],
            "document_url": links["receipt_url"],
            "document_pdf_url": links["receipt_pdf_url"],
            "updated_packages": _packages(result.assignment),
        }


@_schema(
    "transfer", "Transfer a package to another customer (manager)", TransferInput, TransferOutput,
    {"to_customer_id": 24, "reason": "A gift to her sister"},
)
class TransferApi(AfterSaleApi):
    """Move a package's balance to another customer as a new assignment."""

    permission_classes = [HasPerm("transfer_assignment")]
    input_class = TransferInput

    def perform(self, assignment_id, data, user):
        result = assignment_transfer(
            assignment_id=assignment_id, to_customer_id=data["to_customer_id"], user=user, reason=data["reason"]
        )
        return {"assignment_id": result.new.pk, "updated_packages": _packages(result.old, result.new)}


@_schema(
    "extend", "Extend a package's expiry (manager)", ExtendInput, UpdatedOutput,
    {"expires_on": "2027-06-30", "reason": "Away for surgery"},
)
class ExtendApi(AfterSaleApi):
    """Give a package a later expiry; an expired package becomes active again."""

    permission_classes = [HasPerm("extend_assignment")]
    input_class = ExtendInput

    def perform(self, assignment_id, data, user):
        assignment = assignment_extend(
            assignment_id=assignment_id, expires_on=data["expires_on"], user=user, reason=data["reason"]
        )
        return {"updated_packages": _packages(assignment)}


@_schema(
    "adjust", "Correct a package's balance (manager)", AdjustInput, UpdatedOutput,
    {"sessions": 1, "reason": "Session taken twice by mistake"},
)
class AdjustApi(AfterSaleApi):
    """Correct a balance by +-sessions or +-credit, written as an adjustment ledger row."""

    permission_classes = [HasPerm("adjust_balance")]
    input_class = AdjustInput

    def perform(self, assignment_id, data, user):
        assignment = assignment_adjust(
            assignment_id=assignment_id, user=user, reason=data["reason"],
            sessions=data.get("sessions"), credit=data.get("credit"),
        )
        return {"updated_packages": _packages(assignment)}


@_schema(
    "top_up", "Top up a package's credit (manager)", TopUpInput, TopUpOutput,
    {"credit": "5500.00", "price_paid": "5000.00", "payment": {"method": "upi", "amount": "5000.00", "reference": ""}},
)
class TopUpApi(AfterSaleApi):
    """Add credit to a prepaid or kitty-party package, with a payment and a receipt voucher."""

    permission_classes = [HasPerm("top_up_assignment")]
    input_class = TopUpInput

    def perform(self, assignment_id, data, user):
        payment = data["payment"]
        result = assignment_top_up(
            assignment_id=assignment_id, user=user, credit=data["credit"], price_paid=data["price_paid"],
            payment=PaymentIn(method=payment["method"], amount=payment.get("amount"), reference=payment["reference"]),
        )
        return {
            "payment_id": result.payment.pk,
            **receipt_links(result.receipt),
            "updated_packages": _packages(result.assignment),
        }


VIEWS = {"refund": RefundApi, "transfer": TransferApi, "extend": ExtendApi, "adjust": AdjustApi, "top-up": TopUpApi}
