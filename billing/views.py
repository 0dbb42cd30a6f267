"""The billing counter page (/integrated-billing).

The page renders the catalogue once; everything with a figure in it (the customer's
packages, the cart's lines and totals, the invoice) comes from the billing endpoints,
which the page calls with fetch.
"""
from django.contrib.auth import get_user_model
from django.shortcuts import render

from branches.views import branch_required
from catalog.models import Product, Service
from customers.models import Customer
from packages.kinds import all_kinds
from packages.models import AssignmentStatus
from packages.operations import counter_operations
from spa_pkg.money import money_str
from spa_pkg.payments import TENDER_CHOICES
from spa_pkg.permissions import permission_required, user_may


def _staff_name(user) -> str:
    return user.get_full_name() or user.username


@permission_required("bill")
@branch_required
def integrated_billing_page(request):
    """Show the counter: customer search, active packages, the cart, the summary and payment."""
    services = Service.objects.filter(is_active=True).order_by("name").only("id", "name", "price", "price_currency")
    products = Product.objects.filter(is_active=True).order_by("name").only(
        "id", "name", "sku", "price", "price_currency", "stock_quantity"
    )
    staff = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
    customer = None
    customer_id = request.GET.get("customer_id", "")
    if customer_id.isdigit():
        customer = Customer.objects.filter(pk=customer_id).values("id", "name", "phone", "reminders_opt_out").first()
    counter = {
        "services": [{"id": s.pk, "name": s.name, "price": money_str(s.price.amount)} for s in services],
        "products": [
            {"id": p.pk, "name": p.name, "sku": p.sku, "price": money_str(p.price.amount), "stock": p.stock_quantity}
            for p in products
        ],
        "staff": [{"id": user.pk, "name": _staff_name(user)} for user in staff],
        # Per kind: its name, what its balance counts and, for kinds without one, what to say.
        "kinds": {
            kind.package_type: {"label": kind.label, "balance": kind.balance_kind, "balance_label": kind.balance_label}
            for kind in all_kinds()
        },
        "statuses": dict(AssignmentStatus.choices),
        "payment_methods": TENDER_CHOICES,
        "customer": customer,
        "can_void": user_may(request.user, "void_invoice"),
        "cashier_id": request.user.pk,
        # After the sale: a button per operation the user may do, opening its admin confirmation page
        # (staff only: the admin is where it is confirmed); `changed`, the package that page came back from.
        "operations": counter_operations(request.user) if request.user.is_staff else [],
        "changed": int(changed) if (changed := request.GET.get("changed", "")).isdigit() and customer else None,
    }
    return render(request, "billing/integrated_billing.html", {"counter": counter})
