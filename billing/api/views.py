"""Billing API views: one view per operation; each validates its input and calls a service."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.selectors import request_branch
from core.api import ErrorSerializer
from core.exceptions import DomainError
from core.permissions import HasPerm, ModelPermissions
from packages.presenters import updated_package
from packages.selectors import assignments_readable_by

from ..exceptions import BuyerDetailsMissing
from ..models import Invoice, InvoiceLine
from ..selectors import invoice_money_back, invoices_readable_by, money_back_json, package_usage
from ..services import PaymentIn, assignment_sell, invoice_create, invoice_preview, invoice_void
from .filters import InvoiceFilter
from .serializers import (
    AssignAndPayInput,
    AssignAndPayOutput,
    BillInput,
    InvoiceCreatedOutput,
    InvoiceSerializer,
    PreviewOutput,
    UsageOutput,
    VoidInput,
    VoidOutput,
)

ASSIGNMENT_FIELDS = {
    "customer_id", "package_type", "package_id", "service_id", "price_paid", "discount", "expires_on", "notes",
    "renews_assignment_id",
}
PAYMENT_FIELDS = {"method", "amount", "reference"}
INVOICE_FIELDS = {"create", "tax_rate"}
X_BRANCH = OpenApiParameter(
    "X-Branch",
    str,
    OpenApiParameter.HEADER,
    description="The code of the branch the bill or sale is made at (its GSTIN and number series). Left out: the "
    "user's only branch (or the shop's only one). A branch the user does not work at answers 403, an unknown "
    "code 400.",
)


def receipt_links(receipt, *, pdf: bool = True) -> dict:
    """Return the receipt's id, number and paths (HTML and PDF), as the seed shows them: "/receipts/67"."""
    if receipt is None:
        return {"receipt_id": None, "receipt_number": None, "receipt_url": None, "receipt_pdf_url": None}
    return {
        "receipt_id": receipt.pk,
        "receipt_number": receipt.number,
        "receipt_url": reverse("receipt-detail", args=[receipt.pk]),
        "receipt_pdf_url": reverse("receipt-download", args=[receipt.pk]) if pdf else None,
    }


def _sale_error_path(field: str) -> str:
    """Say where in the request body a field the sale refused lives."""
    if field in ASSIGNMENT_FIELDS:
        return f"assignment.{field}"
    if field in PAYMENT_FIELDS:
        return f"payment.{field}"
    if field in INVOICE_FIELDS:
        return f"invoice.{field}"
    return field


def customer_first(refusal: BuyerDetailsMissing, customer_id: int) -> BuyerDetailsMissing:
    """Say where an integrator gives what GST Rule 46 asks for: the API takes no address with a sale, the customer has it."""
    refusal.message = (
        f"{refusal.message} Set them on the customer first (PATCH /api/customers/{customer_id} with "
        '"address" and "state_code"), then send this again.'
    )
    return refusal


ASSIGN_EXAMPLE = {
    "assignment": {
        "customer_id": 23, "package_type": "service_package", "package_id": 1, "service_id": 10,
        "price_paid": None, "discount": "0.00", "expires_on": None, "notes": "",
    },
    "payment": {"collect": True, "method": "upi", "amount": "3780.00", "reference": "UPI-4471"},
    "invoice": {"create": True, "tax_rate": None},
    "receipt": {"generate": True, "pdf": True},
}
# The seed's own example: price_paid is the actual amount paid, GST inside it.
SEED_ASSIGN_EXAMPLE = {
    "assignment": {
        "customer_id": 23, "package_type": "service_package", "package_id": 1, "service_id": 10,
        "price_paid": "1200.00", "discount": "0.00", "expires_on": None, "notes": "",
    },
    "payment": {"collect": True, "method": "cash", "amount": "1200.00", "reference": ""},
    "invoice": {"create": True, "tax_rate": "18.00"},
    "receipt": {"generate": True, "pdf": True},
}


SALE_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Optional, at most 80 characters, e.g. a UUID made when the sale form opens. The same key from "
    "the same user for the same customer and package answers the first sale (status 200) and writes nothing; "
    "used for another sale or by another user it answers 409.",
)


class AssignAndPayApi(APIView):
    """Sell a package: the assignment, the payment, the invoice and the receipt in one transaction."""

    permission_classes = [HasPerm("sell_package")]

    @extend_schema(
        operation_id="packages_assign_and_pay",
        summary="Assign a package and take the payment",
        request=AssignAndPayInput,
        parameters=[SALE_KEY, X_BRANCH],
        responses={201: AssignAndPayOutput, 200: AssignAndPayOutput},
        examples=[
            OpenApiExample("3+1 facial package paid by UPI", value=ASSIGN_EXAMPLE, request_only=True),
            OpenApiExample(
                "1200 paid, 18% GST inside it (taxable 1016.95)", value=SEED_ASSIGN_EXAMPLE, request_only=True
            ),
        ],
        tags=["sales"],
    )
    def post(self, request):
        branch = request_branch(request)
        data = AssignAndPayInput(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = data.validated_data["assignment"]
        payment = data.validated_data.get("payment") or {"collect": False}
        invoice = data.validated_data.get("invoice") or {}
        receipt = data.validated_data.get("receipt") or {"generate": True, "pdf": True}
        try:
            sale = assignment_sell(
                customer=assignment["customer"],
                template=assignment["template"],
                service=assignment["service"],
                user=request.user,
                price_paid=assignment.get("price_paid"),
                discount=assignment["discount"],
                expires_on=assignment.get("expires_on"),
                notes=assignment["notes"],
                payment=PaymentIn(
                    method=payment["method"], amount=payment.get("amount"), reference=payment["reference"]
                )
                if payment["collect"]
                else None,
                create_invoice=invoice.get("create"),
                tax_rate=invoice.get("tax_rate"),
                generate_receipt=receipt["generate"],
                renews_assignment_id=assignment.get("renews_assignment_id"),
                branch=branch,
                idempotency_key=request.headers.get("Idempotency-Key"),
            )
        except BuyerDetailsMissing as exc:
            raise customer_first(exc, assignment["customer"].pk) from None
        except DomainError as exc:
            exc.errors = {_sale_error_path(field): messages for field, messages in exc.errors.items()}
            raise
        body = {
            "success": True,
            "assignment_id": sale.assignment.pk,
            "payment_id": sale.payment.pk if sale.payment else None,
            **receipt_links(sale.receipt, pdf=receipt["pdf"]),
            "invoice_id": sale.invoice.pk if sale.invoice else None,
            "invoice_number": sale.invoice.number if sale.invoice else None,
            "invoice_note": assignment["template"].kind.invoice_refusal() if invoice.get("create") else None,
        }
        return Response(body, status=status.HTTP_201_CREATED if sale.created else status.HTTP_200_OK)


BILL_EXAMPLE = {
    "customer_id": 23,
    "items": [
        {"type": "service", "id": 10, "quantity": 1, "staff_id": None, "assignment_id": None},
        {"type": "product", "id": 4, "quantity": 2, "staff_id": None, "assignment_id": 0},
    ],
    "discount": "100.00",
    "use_credit": True,
    "guests": None,
    "payments": [{"method": "cash", "amount": None, "reference": ""}],
    "place_of_supply": None,
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (at most 80 characters), e.g. a UUID made when the cashier clicks. "
    "A retry with the same key, the same body, the same user and the same branch answers the first invoice "
    "(status 200) and writes nothing; the key with a different body, from another user or for another branch "
    "(X-Branch) answers 409 and writes nothing.",
)


class PreviewApi(APIView):
    """Compute a bill as the invoice would (packages, tax, totals); nothing is written."""

    permission_classes = [HasPerm("bill")]

    @extend_schema(
        operation_id="billing_preview",
        summary="Preview a bill",
        request=BillInput,
        parameters=[X_BRANCH],
        responses={200: PreviewOutput},
        examples=[OpenApiExample("A facial and two products", value=BILL_EXAMPLE, request_only=True)],
        tags=["billing"],
    )
    def post(self, request):
        branch = request_branch(request)
        data = BillInput(data=request.data)
        data.is_valid(raise_exception=True)
        computation = invoice_preview(**data.cart(), branch=branch)
        return Response({"success": True, **computation.as_json()})


class InvoiceCreateApi(APIView):
    """Issue the invoice: spend the packages, take the payments, number it, issue the receipt."""

    permission_classes = [HasPerm("bill")]

    @extend_schema(
        operation_id="billing_invoice_create",
        summary="Create an invoice",
        request=BillInput,
        parameters=[IDEMPOTENCY_KEY, X_BRANCH],
        responses={
            201: InvoiceCreatedOutput,
            200: InvoiceCreatedOutput,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The Idempotency-Key was already used for another bill, by another user or at another branch.",
            ),
        },
        examples=[OpenApiExample("A facial and two products", value=BILL_EXAMPLE, request_only=True)],
        tags=["billing"],
    )
    def post(self, request):
        branch = request_branch(request)
        data = BillInput(data=request.data)
        data.is_valid(raise_exception=True)
        cart = data.cart()
        try:
            result = invoice_create(
                **cart, cashier=request.user, idempotency_key=request.headers.get("Idempotency-Key"), branch=branch
            )
        except BuyerDetailsMissing as refusal:
            raise customer_first(refusal, getattr(cart["customer"], "pk", cart["customer"])) from None
        body = {"success": True, **result.as_json(), **receipt_links(result.receipt)}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class InvoiceVoidApi(APIView):
    """Cancel an invoice and give back every session, credit and product it took (managers)."""

    permission_classes = [HasPerm("void_invoice")]

    @extend_schema(
        operation_id="billing_invoice_void",
        summary="Void an invoice",
        request=VoidInput,
        responses={200: VoidOutput},
        tags=["billing"],
    )
    def post(self, request, invoice_id: str):
        invoice = get_object_or_404(Invoice, pk=invoice_id)
        data = VoidInput(data=request.data)
        data.is_valid(raise_exception=True)
        given_back = invoice_void(invoice=invoice, reason=data.validated_data["reason"], user=request.user)
        return Response(
            {
                "success": True,
                "updated_packages": [updated_package(a) for a in given_back],
                **money_back_json(invoice_money_back(invoice)),
            }
        )


class PackageUsageApi(APIView):
    """The usage history (ledger) of one package, oldest first."""

    permission_classes = [HasPerm("read_packages")]

    @extend_schema(
        operation_id="billing_package_usage",
        summary="A package's usage history",
        responses={200: UsageOutput},
        tags=["billing"],
    )
    def get(self, request, assignment_id: str):
        if not assignments_readable_by(request.user).filter(pk=assignment_id).exists():
            return Response(
                {"success": False, "error": f"No package with id {assignment_id}.", "errors": {}},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response({"success": True, "usage": package_usage(assignment_id=int(assignment_id))})


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Invoices with their lines and payments, newest first; filter by customer and dates."""

    queryset = Invoice.objects.none()  # the model, for the permissions; the rows come from get_queryset
    serializer_class = InvoiceSerializer
    permission_classes = [ModelPermissions]
    filterset_class = InvoiceFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            invoices_readable_by(self.request.user)
            .select_related("customer")
            .prefetch_related(
                Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "pk")), "payments"
            )
            .order_by("-issued_at", "-pk")
        )
