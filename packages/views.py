"""The manager's template pages (/packages) and the cashier's sale page (/assign-packages).

Both only read templates and services and hand JSON to the page; creating a template and
selling one go through the API (`/api/<kind>`, `/packages/api/assign-and-pay`).
"""
from decimal import Decimal, InvalidOperation

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from djmoney.money import Money

from catalog.models import Service
from customers.models import Customer
from spa_pkg.money import format_inr, money_str
from spa_pkg.payments import TENDER_CHOICES
from spa_pkg.permissions import model_permission, permission_required

from .models import (
    MAX_VALIDITY_MONTHS,
    MIN_VALIDITY_MONTHS,
    TEMPLATE_MODELS,
    VALIDITY_DAYS_MAX,
    PackageTemplate,
    PackageType,
    latest_expiry,
)

# The API path of each kind's template endpoint (DESIGN.md, "Contract the integrators already use").
API_PATHS = {
    PackageType.PREPAID: "/api/prepaid-packages",
    PackageType.SERVICE_PACKAGE: "/api/service-packages",
    PackageType.MEMBERSHIP: "/api/memberships",
    PackageType.STUDENT_OFFER: "/api/student-offers",
    PackageType.YEARLY_MEMBERSHIP: "/api/yearly-memberships",
    PackageType.KITTY_PARTY: "/api/kitty-parties",
}
# Creating templates (the create forms of /packages) is adding a template of every kind.
CREATE_TEMPLATES = sorted(model_permission(model, "add") for model in TEMPLATE_MODELS.values())


# Kinds whose template carries figures the server computes (free sessions, benefit %).
COMPUTED_KINDS = {PackageType.PREPAID, PackageType.SERVICE_PACKAGE, PackageType.KITTY_PARTY}


def _validity(template: PackageTemplate) -> str:
    if template.package_type == PackageType.STUDENT_OFFER:
        return f"{template.valid_from:%d %b %Y} – {template.valid_to:%d %b %Y}, {template.valid_days}"
    return template.validity_text


def template_row(template: PackageTemplate) -> dict:
    """Describe a template as the list on /packages shows it: price, value, benefit, validity."""
    kind = template.package_type
    included = ""
    if kind in (PackageType.MEMBERSHIP, PackageType.KITTY_PARTY):
        included = ", ".join(service.name for service in template.services_included.all())
    if kind == PackageType.PREPAID:
        price, value, benefit = format_inr(template.actual_price), f"{format_inr(template.after_value)} credit", template.benefit_percent
    elif kind == PackageType.SERVICE_PACKAGE:
        price = f"{template.pay_for} × service price"
        value = f"{template.total_services} sessions ({template.free_sessions} free)"
        benefit = template.benefit_percent
    elif kind == PackageType.MEMBERSHIP:
        price, value, benefit = format_inr(template.price), f"Unlimited: {included or 'no services yet'}", None
    elif kind == PackageType.STUDENT_OFFER:
        price = format_inr(template.price)
        value, benefit = f"{template.discount_percentage}% off services", template.discount_percentage
    elif kind == PackageType.YEARLY_MEMBERSHIP:
        price = format_inr(template.price)
        value = f"{template.discount_percent}% off services" + (f"; {template.extra_benefits}" if template.extra_benefits else "")
        benefit = template.discount_percent
    else:
        price = format_inr(template.price)
        value = f"{format_inr(template.after_value)} group credit, {template.min_guests}+ guests: {included or 'no services yet'}"
        benefit = template.benefit_percent
    return {
        "id": template.pk,
        "name": template.name,
        "price": price,
        "value": value,
        "benefit_percent": f"{benefit}%" if benefit is not None else "—",
        "validity": _validity(template),
        "is_active": template.is_active,
    }


def _templates_of(kind: str, *, active_only: bool = False):
    queryset = TEMPLATE_MODELS[kind].objects.order_by("-is_active", "name")
    if active_only:
        queryset = queryset.filter(is_active=True)
    if kind in (PackageType.MEMBERSHIP, PackageType.KITTY_PARTY):
        queryset = queryset.prefetch_related("services_included")
    return queryset


@permission_required("sell_package")
def packages_page(request):
    """List every kind's templates in a tab; managers also get a create form per kind."""
    kinds = [
        {
            "value": kind,
            "label": label,
            "api_path": API_PATHS[kind],
            "computed": kind in COMPUTED_KINDS,
            "rows": [template_row(template) for template in _templates_of(kind)],
        }
        for kind, label in PackageType.choices
    ]
    active = request.GET.get("kind")
    return render(
        request,
        "packages/packages.html",
        {
            "kinds": kinds,
            "active_kind": active if active in TEMPLATE_MODELS else PackageType.PREPAID,
            "services": Service.objects.filter(is_active=True).only("id", "name").order_by("name"),
            "can_create": request.user.has_perms(CREATE_TEMPLATES),
            "today": timezone.localdate(),
            "validity": {"min": MIN_VALIDITY_MONTHS, "max": MAX_VALIDITY_MONTHS, "max_days": VALIDITY_DAYS_MAX},
        },
    )


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@permission_required(*CREATE_TEMPLATES)
def computed_figures(request):
    """Answer the figures the server will store for a template being typed (free sessions, benefit %).

    The create form shows them as the manager types; the model's own `compute()` works them
    out, so the preview and the saved template cannot disagree.
    """
    kind = request.GET.get("package_type")
    figures = {"free_sessions": None, "benefit_percent": None}
    if kind not in COMPUTED_KINDS:
        return JsonResponse({"success": True, **figures})
    template = TEMPLATE_MODELS[kind]()
    if kind == PackageType.SERVICE_PACKAGE:
        pay_for, total = _integer(request.GET.get("pay_for")), _integer(request.GET.get("total_services"))
        if pay_for and total and total > pay_for > 0:
            template.pay_for, template.total_services = pay_for, total
            template.compute()
            figures = {"free_sessions": template.free_sessions, "benefit_percent": money_str(template.benefit_percent)}
    else:
        price_field = "actual_price" if kind == PackageType.PREPAID else "price"
        price, value = _decimal(request.GET.get(price_field)), _decimal(request.GET.get("after_value"))
        if price and value is not None and price > 0 and value >= price:
            setattr(template, price_field, Money(price, "INR"))
            template.after_value = Money(value, "INR")
            template.compute()
            figures["benefit_percent"] = money_str(template.benefit_percent)
    return JsonResponse({"success": True, **figures})


@permission_required("sell_package")
def assign_packages_page(request):
    """Sell a template to a customer with payment; the page posts to /packages/api/assign-and-pay."""
    today = timezone.localdate()
    services = list(Service.objects.filter(is_active=True).order_by("name"))
    catalogue = {}
    for kind, _label in PackageType.choices:
        entries = []
        for template in _templates_of(kind, active_only=True):
            expiry = template.default_expiry(today)
            entry = {
                "id": template.pk,
                "name": template.name,
                "validity": _validity(template),
                "expires_on": expiry.isoformat() if expiry else "",
                "price": money_str(template.list_price().amount) if kind != PackageType.SERVICE_PACKAGE else None,
            }
            if kind == PackageType.SERVICE_PACKAGE:
                # The price depends on the service chosen at the counter: pay_for x its price.
                entry["price_by_service"] = {
                    str(service.pk): money_str(template.list_price(service).amount) for service in services
                }
            entries.append(entry)
        catalogue[kind] = entries
    chosen_kind = request.GET.get("package_type", "")
    customer_id = request.GET.get("customer_id", "")
    customer = Customer.objects.filter(pk=customer_id).values("id", "name", "phone").first() if customer_id.isdigit() else None
    return render(
        request,
        "packages/assign.html",
        {
            "kinds": PackageType.choices,
            "catalogue": catalogue,
            "services": [{"id": service.pk, "name": service.name, "price": money_str(service.price.amount)} for service in services],
            "payment_methods": TENDER_CHOICES,
            "expiry_bounds": {"min": today.isoformat(), "max": latest_expiry(today).isoformat()},
            "chosen": {
                "package_type": chosen_kind if chosen_kind in TEMPLATE_MODELS else "",
                "package_id": request.GET.get("package_id", ""),
                "customer": customer,
            },
        },
    )
