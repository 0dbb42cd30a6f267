"""The manager's template pages (/packages), server-rendered: a tab per kind, its templates and,
for managers, a create form (a Django form posted with htmx, checked by the model's own
`full_clean()`, as the API's serializers do). The cashier's sale page is billing.sale_page.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.money import money_str
from core.permissions import PERMISSIONS, permission_required

from .forms import template_form_class
from .kinds import all_kinds, find_kind
from .models import PackageTemplate

# Creating templates (the create forms of /packages): the one permission of every kind's templates.
CREATE_TEMPLATES = (PERMISSIONS["keep_templates"],)


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


def _templates_of(kind):
    queryset = kind.model.objects.order_by("-is_active", "name")
    if "services_included" in kind.fields:
        queryset = queryset.prefetch_related("services_included")
    return queryset


def _pane(kind, *, can_create: bool, form=None, created: PackageTemplate | None = None) -> dict:
    return {
        "value": kind.package_type,
        "label": kind.label,
        "rows": [template_row(template) for template in _templates_of(kind)],
        "form": (form or template_form_class(kind)()) if can_create else None,
        "computed": bool(kind.computed_fields),
        "created": created,
    }


@permission_required("sell_package")
def packages_page(request):
    """List every kind's templates in a tab; managers also get a create form per kind."""
    can_create = request.user.has_perms(CREATE_TEMPLATES)
    active = find_kind(request.GET.get("kind")) or all_kinds()[0]
    return render(
        request,
        "packages/packages.html",
        {
            "kinds": [_pane(kind, can_create=can_create) for kind in all_kinds()],
            "active_kind": active.package_type,
            "can_create": can_create,
        },
    )


@require_POST
@permission_required(*CREATE_TEMPLATES)
def template_create(request, package_type: str):
    """Create a template of a kind; answer its tab's body (the list, and a fresh form or the errors)."""
    kind = find_kind(package_type)
    if kind is None:
        raise Http404("No such kind of package.")
    form = template_form_class(kind)(request.POST)
    created = None
    if form.is_valid():
        created = form.save()
        form = None
    return render(request, "packages/_pane.html", {"kind": _pane(kind, can_create=True, form=form, created=created)})


def _figures(request) -> dict:
    """Work out the figures the server will store for a template being typed (free sessions, benefit %)."""
    kind = find_kind(request.GET.get("package_type"))
    figures = {"free_sessions": None, "benefit_percent": None}
    if kind is None or not kind.computed_fields:
        return figures
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
        return figures
    template.compute()
    for name in kind.computed_fields:
        value = getattr(template, name)
        figures[name] = money_str(value) if isinstance(value, Decimal) else value
    return figures


@permission_required(*CREATE_TEMPLATES)
def computed_figures(request):
    """Answer the figures of a template being typed: a partial for the page (htmx), JSON otherwise.

    The model's own `compute()` works them out, so the preview and the saved template cannot disagree.
    """
    figures = _figures(request)
    if request.htmx:
        return render(request, "packages/_computed.html", {"figures": figures})
    return JsonResponse({"success": True, **figures})
