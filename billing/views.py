"""The billing counter page (/integrated-billing), rendered on the server with htmx partials.

The cart lives in the session (`billing.counter`); each change posts the page's form and gets
back the figures (lines and summary) or, for a change of shape (a line added, a customer
picked), the whole counter. Every figure comes from `invoice_preview` / `invoice_create`, the
services the JSON API calls too.
"""
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from branches.selectors import request_branch
from branches.views import branch_required
from catalog.models import Product, Service
from core.exceptions import DomainError
from core.payments import MAX_PAYMENTS, money_back_text
from core.permissions import may_use_admin, permission_required, user_may
from customers.models import Customer
from packages.operations import operations_for
from packages.selectors import assignments_readable_by

from . import counter
from .forms import VoidForm
from .models import Invoice, InvoiceKind
from .selectors import invoice_money_back, invoice_money_to_return, package_usage, recent_invoices
from .services import invoice_create, invoice_void

PAGE = "billing/integrated_billing.html"
COUNTER = "billing/counter/counter.html"
FIGURES = "billing/counter/figures.html"


def _staff_choices() -> list[tuple[int, str]]:
    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
    return [(user.pk, user.get_full_name() or user.username) for user in users]


def _state(request, cart: dict, changed: int | None = None) -> counter.CounterState:
    state = counter.evaluate(cart, staff_choices=_staff_choices, branch=request_branch(request), changed=changed)
    if counter.remember_packages(cart, state):  # a package used up by this visit stays in view
        counter.save(request, cart)
    return state


def _operations(request, state: counter.CounterState) -> dict[int, list[tuple[str, str, str]]]:
    """The after-sale buttons (staff managers) of each package row: label, name, admin page coming back here."""
    if not may_use_admin(request.user) or state.customer is None:
        return {}
    operations = operations_for(request.user)
    menus = {}
    for package in state.packages:
        back = f"{reverse('integrated-billing')}?customer_id={state.customer.pk}&changed={package.pk}"
        menus[package.pk] = [
            (operation.label, operation.name, f"{operation.url(package.pk)}?{urlencode({'next': back})}")
            for operation in operations
            if operation.applies(package)
        ]
    return menus


def _context(request, state: counter.CounterState, **extra) -> dict:
    last_id = state.cart.get("last_invoice_id")
    state.operations = _operations(request, state)
    return {
        "state": state,
        "services": Service.objects.filter(is_active=True).order_by("name").only("id", "name"),
        "products": Product.objects.filter(is_active=True).order_by("name").only("id", "name", "stock_quantity"),
        "recent": recent_invoices(cashier=request.user, branch=request_branch(request)),
        "last_invoice": Invoice.objects.filter(pk=last_id).first() if last_id else None,
        "can_void": user_may(request.user, "void_invoice"),
        "picker_customer": state.customer,
        "previous_customer": state.previous_customer,
        **extra,
    }


def _answer(request, template: str, context: dict, *, status: int = 200, focus: str = "", events: dict | None = None):
    response = render(request, template, context, status=status)
    triggers = dict(events or {})
    if focus:
        triggers["counter-focus"] = focus
    if triggers:
        response["HX-Trigger-After-Settle"] = json.dumps(triggers)
    return response


ISSUE_KEY = re.compile(r"[0-9a-f]{32}")


def _int(text) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses (a 500).
    return int(text) if str(text or "").isdecimal() else None


@permission_required("bill")
@branch_required
def integrated_billing_page(request):
    """Show the counter: customer, packages, the cart, the summary, payment and today's invoices."""
    cart = counter.load(request)
    customer_id = _int(request.GET.get("customer_id"))
    if customer_id:
        counter.set_customer(cart, customer_id)
    changed = _int(request.GET.get("changed")) if customer_id else None
    state = _state(request, cart, changed)
    if counter.SESSION_KEY in request.session or cart["customer_id"]:  # an empty first visit writes nothing
        counter.save(request, cart)
    # No customer yet: the search takes the keyboard as the page opens.
    return render(request, PAGE, _context(request, state, picker_focus=state.customer is None))


def _apply(cart: dict, action: str, data) -> str:
    """Change the cart's shape as `action` says; return the id of the field to focus next."""
    if action == "customer":
        customer_id = _int(data.get("customer"))
        counter.set_customer(cart, customer_id if Customer.objects.filter(pk=customer_id or 0).exists() else None)
        return "#add-service" if cart["customer_id"] else "#customer-query"
    if action in ("add-service", "add-product"):
        model, field = (Service, "add_service") if action == "add-service" else (Product, "add_product")
        item = model.objects.filter(pk=_int(data.get(field)) or 0, is_active=True).first()
        if item is None:
            return f"#{field.replace('_', '-')}"
        uid = counter.add_line(cart, action.removeprefix("add-"), item.pk, item.name)
        return f"#id_line-{uid}-quantity"
    if action == "remove":
        cart["lines"] = [line for line in cart["lines"] if line["uid"] != _int(data.get("line"))]
        return "#add-service"
    if action == "add-payment":
        if len(cart["payments"]) >= MAX_PAYMENTS:
            return f"#id_pay-{len(cart['payments']) - 1}-method"
        cart["payments"].append({"method": "", "amount": "", "reference": ""})
        return f"#id_pay-{len(cart['payments']) - 1}-method"
    if action == "show-finished":
        counter.toggle_finished(cart)
        return "#show-finished"
    if action == "remove-payment" and len(cart["payments"]) > 1:
        number = _int(data.get("payment"))
        if number is not None and number < len(cart["payments"]):
            del cart["payments"][number]
        return "#id_pay-0-method"
    return ""


@require_POST
@permission_required("bill")
@branch_required
def counter_cart(request):
    """Take the posted cart; answer the figures (a value changed) or the whole counter (its shape changed)."""
    cart = counter.load(request)
    counter.take_post(cart, request.POST)
    action = request.POST.get("action", "")
    focus = _apply(cart, action, request.POST) if action else ""
    counter.save(request, cart)
    state = _state(request, cart)
    if action:
        return _answer(request, COUNTER, _context(request, state), focus=focus)
    # The buyer's fields (GST Rule 46) are redrawn only when they come or go, never under the cashier's typing.
    return render(request, FIGURES, {"state": state, "buyer_redraw": (state.buyer is None) == ("buyer-address" in request.POST)})


def _expected_total(data) -> Decimal | None:
    try:
        return Decimal(data.get("expected_grand_total", ""))
    except (InvalidOperation, ValueError):
        return None


@require_POST
@permission_required("bill")
@branch_required
def counter_issue(request):
    """Issue the invoice on the totals the cashier saw; 409 with the new totals if they changed."""
    cart = counter.load(request)
    posted_key = request.POST.get("key", "")
    # Only a key the counter makes (uuid4 hex) is looked up: PostgreSQL refuses a NUL in a query.
    if ISSUE_KEY.fullmatch(posted_key) and posted_key != cart["key"]:
        # A second press of a bill already issued (its answer crossed the press): answer that invoice.
        earlier = Invoice.objects.filter(
            idempotency_key=posted_key, cashier=request.user, branch=request_branch(request)
        ).first()
        if earlier is not None:
            return _answer(request, COUNTER, _context(request, _state(request, cart), issued=earlier))
    counter.take_post(cart, request.POST)
    counter.save(request, cart)
    state = _state(request, cart)
    expected = _expected_total(request.POST)
    if not state.ready or expected is None:
        message = state.error or state.payment_error or state.buyer_error or (
            "Choose how the customer pays." if state.needs_method else "The totals changed; check and press again."
        )
        return _answer(request, COUNTER, _context(request, state, alert=message), status=400)
    try:
        result = invoice_create(
            customer=state.customer,
            items=counter.items_of(state),
            cashier=request.user,
            payments=counter.payments_of(state),
            idempotency_key=cart["key"],
            branch=request_branch(request),
            expected_grand_total=expected,
            buyer=counter.buyer_of(state),
            **counter.options_of(state),
        )
    except DomainError as refusal:  # TotalsChanged (409) among them: the counter shows the new totals
        return _answer(request, COUNTER, _context(request, state, alert=refusal.message), status=refusal.status_code)
    cart = counter.finish(cart, result.invoice.pk)
    counter.save(request, cart)
    state = _state(request, cart)
    events = {}
    if result.receipt is not None:
        url = reverse("receipt-detail", args=[result.receipt.pk])
        events["receipt-issued"] = {"url": url, "title": _receipt_title(result.invoice)}
    # The next customer is searched for: the picker is cleared (out of band) and takes the focus.
    return _answer(
        request, COUNTER, _context(request, state, issued=result.invoice, next_customer=True),
        focus="#customer-query", events=events,
    )


def _receipt_title(invoice: Invoice) -> str:
    return f"Receipt {invoice.receipt.number} · Invoice {invoice.number}" if invoice.receipt_id else f"Invoice {invoice.number}"


@require_GET
@permission_required("read_packages")
def counter_history(request, assignment_id: int):
    """The usage history of one package (its ledger), for the counter's pop-up."""
    assignment = get_object_or_404(assignments_readable_by(request.user), pk=assignment_id)
    rows = package_usage(assignment_id=assignment.pk)
    for row in rows:
        row["day"] = date.fromisoformat(row["date"])
    return render(request, "billing/counter/history.html", {"assignment": assignment, "rows": rows})


@permission_required("void_invoice")
@branch_required
def counter_void(request, invoice_id: int):
    """Ask why, then void the invoice: every session, credit and product it took comes back."""
    invoice = get_object_or_404(Invoice, pk=invoice_id, kind=InvoiceKind.SALE)
    form = VoidForm(request.POST or None)
    # Before the cashier confirms: how much goes back to the customer, and how.
    context = {"invoice": invoice, "form": form, "money_back": money_back_text(invoice_money_to_return(invoice))}
    if request.method == "POST" and form.is_valid():
        try:
            invoice_void(invoice=invoice, reason=form.cleaned_data["reason"], user=request.user)
        except DomainError as refusal:
            context["alert"] = refusal.message
        else:
            cart = counter.load(request)
            state = _state(request, cart)
            invoice.refresh_from_db()
            return render(
                request,
                "billing/counter/voided.html",
                {
                    **_context(request, state, voided=invoice),
                    "invoice": invoice,
                    "money_back": money_back_text(invoice_money_back(invoice)),
                },
            )
    return render(request, "billing/counter/void.html", context)
