"""/assign-packages: the cashier sells a package, server-rendered (the sale form posts with htmx).

It lives in billing because the sale is `package_sell` (billing sits above packages); the
form is packages' (`AssignPackageForm`), the picker customers'. The form carries a key made
when it opens: a second press of the same form answers the first sale and sells nothing more.
"""
from django.shortcuts import render

from branches.selectors import request_branch
from branches.views import branch_required
from customers.models import Customer
from customers.views import picker_context
from packages.forms import AssignPackageForm, new_sale_key
from packages.kinds import find_kind
from spa_pkg.exceptions import DomainError
from spa_pkg.permissions import permission_required

from .services import PaymentIn, package_sell


def _initial_from_query(query) -> dict:
    """Arrive from /packages (?package_type=&package_id=) with the template chosen."""
    initial = {"idempotency_key": new_sale_key()}
    package_type, package_id = query.get("package_type", ""), query.get("package_id", "")
    if find_kind(package_type) is not None and package_id.isdecimal():
        initial["package"] = f"{package_type}:{package_id}"
    return initial


def _with_default_expiry(form: AssignPackageForm) -> AssignPackageForm:
    expiry = form.details().default_expiry
    if expiry is not None and not form.is_bound:
        form.initial["expires_on"] = expiry
    return form


def _context(form: AssignPackageForm, *, customer=None, sale=None, picker_error="") -> dict:
    return {
        "form": form,
        "details": form.details(),
        "sale": sale,
        **picker_context(customer, error=picker_error),
    }


def _customer_of(form: AssignPackageForm) -> Customer | None:
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
    form = _with_default_expiry(AssignPackageForm(initial=_initial_from_query(request.GET)))
    return render(request, "packages/assign.html", _context(form, customer=customer))


def _sell(request):
    form = AssignPackageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sale = package_sell(
                **form.sale_arguments(),
                payment=PaymentIn(method=data["method"], amount=data.get("amount"), reference=data.get("reference") or ""),
                user=request.user,
                branch=request_branch(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            # A new customer, a new key: the next press is a new sale; the receipt shows beside.
            fresh = AssignPackageForm(initial={"idempotency_key": new_sale_key()})
            return render(request, "packages/_sale.html", _context(fresh, sale=sale))
    customer_errors = form.errors.get("customer_id")
    return render(
        request,
        "packages/_sale.html",
        _context(form, customer=_customer_of(form), picker_error=customer_errors[0] if customer_errors else ""),
    )


@permission_required("sell_package")
def sale_details(request):
    """Answer the part of the form that follows the package: its service, expiry and price."""
    form = AssignPackageForm(initial={name: request.GET.get(name, "") for name in ("package", "service", "expires_on")})
    if request.GET.get("changed") != "service" or not request.GET.get("expires_on"):
        form.initial["expires_on"] = ""
        _with_default_expiry(form)
    return render(request, "packages/_sale_details.html", {"form": form, "details": form.details()})
