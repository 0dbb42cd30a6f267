"""/assign-packages: the cashier sells a package, server-rendered (the sale form posts with htmx).

It lives in billing because the sale is `assignment_sell` (billing sits above packages); the
form is packages' (`AssignPackageForm`, with the address and state GST Rule 46 may ask for:
`billing.forms.PackageSaleForm`), the picker customers'. The form carries a key made
when it opens: a second press of the same form answers the first sale and sells nothing more.
"""
from django.shortcuts import render

from branches.selectors import request_branch
from branches.views import branch_required
from core.exceptions import DomainError
from core.permissions import permission_required
from customers.models import Customer
from customers.views import picker_context
from packages.forms import new_sale_key
from packages.kinds import find_kind

from .forms import PackageSaleForm
from .services import PaymentIn, SaleQuote, assignment_sell, rule46_threshold, sale_quote


def _initial_from_query(query) -> dict:
    """Arrive from /packages (?package_type=&package_id=) with the template chosen."""
    initial = {"idempotency_key": new_sale_key()}
    package_type, package_id = query.get("package_type", ""), query.get("package_id", "")
    if find_kind(package_type) is not None and package_id.isdecimal():
        initial["package"] = f"{package_type}:{package_id}"
    return initial


def _with_default_expiry(form: PackageSaleForm) -> PackageSaleForm:
    expiry = form.details().default_expiry
    if expiry is not None and not form.is_bound:
        form.initial["expires_on"] = expiry
    return form


def _quote(details) -> SaleQuote | None:
    """What the sale collects, as `assignment_sell` will charge it (None until the package and service are known)."""
    if details.template is None or details.price is None:
        return None
    return sale_quote(template=details.template, service=details.service)


def _ask_buyer(form: PackageSaleForm, quote: SaleQuote | None) -> bool:
    """Show the customer's address and state when the invoice reaches GST Rule 46's threshold (or they were refused)."""
    refused = form.is_bound and ("address" in form.errors or "state_code" in form.errors)
    return refused or (quote is not None and quote.gst > 0 and quote.total >= rule46_threshold())


def _context(form: PackageSaleForm, *, customer=None, sale=None, picker_error="", picker_focus=False) -> dict:
    details = form.details()
    quote = _quote(details)
    return {
        "form": form,
        "details": details,
        "quote": quote,
        "ask_buyer": _ask_buyer(form, quote),
        "sale": sale,
        **picker_context(customer, error=picker_error, focus=picker_focus),
    }


def _customer_of(form: PackageSaleForm) -> Customer | None:
    customer_id = str(form.data.get("customer_id", ""))
    return Customer.objects.filter(pk=customer_id).first() if customer_id.isdecimal() else None


@permission_required("sell_package")
@branch_required
def assign_packages_page(request):
    """Show the sale form (GET), or sell and answer the sale section with the receipt (POST)."""
    if request.method == "POST":
        return _sell(request)
    customer_id = request.GET.get("customer_id", "")
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id.isdecimal() else None
    form = _with_default_expiry(PackageSaleForm(initial=_initial_from_query(request.GET)))
    # No customer yet: the search takes the keyboard as the page opens.
    return render(request, "packages/assign.html", _context(form, customer=customer, picker_focus=customer is None))


def _sell(request):
    form = PackageSaleForm(request.POST)
    form.is_valid()
    _require_method_if_due(form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sale = assignment_sell(
                **form.sale_arguments(),
                payment=PaymentIn(method=data["method"], amount=data.get("amount"), reference=data.get("reference") or ""),
                buyer=form.buyer(),
                user=request.user,
                branch=request_branch(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            # A new customer, a new key: the next press is a new sale; the receipt shows beside.
            fresh = PackageSaleForm(initial={"idempotency_key": new_sale_key()})
            return render(request, "packages/_sale.html", _context(fresh, sale=sale))
    customer_errors = form.errors.get("customer_id")
    return render(
        request,
        "packages/_sale.html",
        _context(form, customer=_customer_of(form), picker_error=customer_errors[0] if customer_errors else ""),
    )


def _require_method_if_due(form: PackageSaleForm) -> None:
    """A sale that collects money needs its payment method; a free offer (₹0) needs none."""
    data = form.cleaned_data
    if data.get("method") or "method" in form.errors:
        return
    template, service = data.get("package"), data.get("service")
    known = template is not None and (service is not None or not template.kind.service_chosen_at_sale)
    if known and sale_quote(template=template, service=service).total <= 0:
        return
    form.add_error("method", form.fields["method"].error_messages["required"])


@permission_required("sell_package")
def sale_details(request):
    """Answer the part of the form that follows the package: its service, expiry and price."""
    form = PackageSaleForm(initial={name: request.GET.get(name, "") for name in ("package", "service", "expires_on")})
    if request.GET.get("changed") != "service" or not request.GET.get("expires_on"):
        form.initial["expires_on"] = ""
        _with_default_expiry(form)
    details = form.details()
    quote = _quote(details)
    context = {"form": form, "details": details, "quote": quote, "ask_buyer": _ask_buyer(form, quote)}
    return render(request, "packages/_sale_details.html", context)
