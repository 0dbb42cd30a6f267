"""The manager's template pages (/packages) and the cashier's sale page (/assign-packages).

Both only read templates and services and hand JSON to the page; creating a template and
selling one go through the API (`/api/<kind>`, `/packages/api/assign-and-pay`).
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.text import capfirst
from djmoney.models.fields import MoneyField

from branches.views import branch_required
from catalog.models import Service
from customers.models import Customer
from spa_pkg.money import money_str
from spa_pkg.payments import TENDER_CHOICES
from spa_pkg.permissions import model_permission, permission_required

from .kinds import all_kinds, find_kind, kind_choices
from .models import MAX_VALIDITY_MONTHS, MIN_VALIDITY_MONTHS, VALIDITY_DAYS_MAX, PackageTemplate, latest_expiry

# Creating templates (the create forms of /packages) is adding a template of every kind.
CREATE_TEMPLATES = sorted(model_permission(kind.model, "add") for kind in all_kinds())


def form_template(kind) -> str:
    """Return the create form's partial of a kind: its own, else one drawn from its fields."""
    name = f"packages/forms/{kind.package_type}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return "packages/forms/generic.html"
    return name


def page_fields(kind) -> list[dict]:
    """Describe the create form's inputs of a kind from its model fields (for kinds without a partial)."""
    fields = []
    for name in kind.input_fields:
        if name == "validity_days":
            continue  # one input with a unit: months or days
        field = kind.model._meta.get_field(name)
        spec = {"name": name, "label": capfirst(field.verbose_name), "type": "text", "compute": name in kind.compute_inputs}
        if name == "validity_months":
            spec.update(type="validity", value=field.default)
        elif field.many_to_many:
            spec["type"] = "services"
        elif isinstance(field, models.TextField):
            spec["type"] = "textarea"
        elif isinstance(field, models.DateField):
            spec["type"] = "date"
        elif isinstance(field, models.DecimalField | MoneyField):
            spec.update(type="number", step="0.01", min="0")
        elif isinstance(field, models.IntegerField):
            spec.update(type="number", min="1")
        fields.append(spec)
    return fields


def template_row(template: PackageTemplate) -> dict:
    """Describe a template as the list on /packages shows it: price, value, benefit, validity (the kind's words)."""
    kind = template.kind
    summary = kind.summary(template)
    return {
        "id": template.pk,
        "name": template.name,
        "price": summary.price,
        "value": summary.value,
        "benefit_percent": f"{summary.benefit_percent}%" if summary.benefit_percent is not None else "—",
        "validity": kind.validity_text(template),
        "is_active": template.is_active,
    }


def _templates_of(kind, *, active_only: bool = False):
    queryset = kind.model.objects.order_by("-is_active", "name")
    if active_only:
        queryset = queryset.filter(is_active=True)
    if "services_included" in kind.fields:
        queryset = queryset.prefetch_related("services_included")
    return queryset


@permission_required("sell_package")
def packages_page(request):
    """List every kind's templates in a tab; managers also get a create form per kind."""
    kinds = [
        {
            "value": kind.package_type,
            "label": kind.label,
            "api_path": f"/api/{kind.api_segment}",
            "computed": bool(kind.computed_fields),
            "form_template": form_template(kind),
            "page_fields": page_fields(kind),
            "rows": [template_row(template) for template in _templates_of(kind)],
        }
        for kind in all_kinds()
    ]
    active = find_kind(request.GET.get("kind")) or all_kinds()[0]
    return render(
        request,
        "packages/packages.html",
        {
            "kinds": kinds,
            "active_kind": active.package_type,
            "services": Service.objects.filter(is_active=True).only("id", "name").order_by("name"),
            "can_create": request.user.has_perms(CREATE_TEMPLATES),
            "today": timezone.localdate(),
            "validity": {"min": MIN_VALIDITY_MONTHS, "max": MAX_VALIDITY_MONTHS, "max_days": VALIDITY_DAYS_MAX},
        },
    )


@permission_required(*CREATE_TEMPLATES)
def computed_figures(request):
    """Answer the figures the server will store for a template being typed (free sessions, benefit %).

    The create form shows them as the manager types; the model's own `compute()` works them
    out, so the preview and the saved template cannot disagree.
    """
    kind = find_kind(request.GET.get("package_type"))
    figures = {"free_sessions": None, "benefit_percent": None}
    if kind is None or not kind.computed_fields:
        return JsonResponse({"success": True, **figures})
    template = kind.model()
    try:
        for name in kind.compute_inputs:
            value = template._meta.get_field(name).to_python(request.GET.get(name) or None)
            if value is None:
                raise ValueError(name)
            setattr(template, name, value)
        # The template's own constraints on what was typed (price above zero, total above pay_for...).
        others = [field.name for field in template._meta.concrete_fields if field.name not in kind.compute_inputs]
        template.validate_constraints(exclude=others)
    except (ValidationError, TypeError, ValueError, InvalidOperation):
        return JsonResponse({"success": True, **figures})
    template.compute()
    for name in kind.computed_fields:
        value = getattr(template, name)
        figures[name] = money_str(value) if isinstance(value, Decimal) else value
    return JsonResponse({"success": True, **figures})


@permission_required("sell_package")
@branch_required
def assign_packages_page(request):
    """Sell a template to a customer with payment; the page posts to /packages/api/assign-and-pay."""
    today = timezone.localdate()
    services = list(Service.objects.filter(is_active=True).order_by("name"))
    catalogue = {}
    for kind in all_kinds():
        entries = []
        for template in _templates_of(kind, active_only=True):
            expiry = template.default_expiry(today)
            entry = {
                "id": template.pk,
                "name": template.name,
                "validity": kind.validity_text(template),
                "expires_on": expiry.isoformat() if expiry else "",
                "price": None if kind.service_chosen_at_sale else money_str(template.list_price().amount),
            }
            if kind.service_chosen_at_sale:
                # The price depends on the service chosen at the counter: pay_for x its price.
                entry["price_by_service"] = {
                    str(service.pk): money_str(template.list_price(service).amount) for service in services
                }
            entries.append(entry)
        catalogue[kind.package_type] = entries
    chosen_kind = request.GET.get("package_type", "")
    customer_id = request.GET.get("customer_id", "")
    customer = Customer.objects.filter(pk=customer_id).values("id", "name", "phone").first() if customer_id.isdigit() else None
    return render(
        request,
        "packages/assign.html",
        {
            "kinds": kind_choices(),
            "service_kinds": [kind.package_type for kind in all_kinds() if kind.service_chosen_at_sale],
            "catalogue": catalogue,
            "services": [{"id": service.pk, "name": service.name, "price": money_str(service.price.amount)} for service in services],
            "payment_methods": TENDER_CHOICES,
            "expiry_bounds": {"min": today.isoformat(), "max": latest_expiry(today).isoformat()},
            "chosen": {
                "package_type": chosen_kind if find_kind(chosen_kind) else "",
                "package_id": request.GET.get("package_id", ""),
                "customer": customer,
            },
        },
    )
