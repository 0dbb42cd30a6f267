"""Package templates (one admin per kind, generated from the kind), assignments, benefit trackers and the usage ledger.

Balances are read-only here: they change only through services. Selling a package needs
billing (payment, invoice, receipt), a higher app, so `billing.admin` plugs its
"Assign & collect payment" page into the one assignment admin below (`plug_sale`); the
links to it here are by URL name only, which keeps this module free of billing imports.
The after-sale operations (packages.operations) are confirmation pages on an assignment:
transfer, extend and adjust here; refund and top-up, which move money, plugged in by
`billing.admin` (`plug_operation`) the same way.
Who may do what is the user's permissions (core.permissions), as everywhere.
"""
from collections.abc import Callable
from functools import partial, update_wrapper

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin_history import log_operation
from core.exceptions import DomainError
from core.formats import format_date
from core.permissions import user_may
from core.phones import format_phone

from .aftersale_pages import PACKAGE_OPERATION_PAGES, OperationPage, balance_text, safe_next
from .import_admin import import_view
from .kinds import all_kinds, kind_for
from .kinds.base import COMMON_FIELDS, VALIDITY_FIELDS
from .models import PackageAssignment, PackageBenefitTracker, PackageUsage, TemplateBranch
from .operations import OPERATIONS, Operation
from .services import (
    CLOSED,
    assignment_pause,
    assignment_resume,
    template_remove,
    templates_sold,
)

ASSIGN_URL_NAME = "admin:packages_packageassignment_assign"


def assign_url(template) -> str:
    """Return the admin page that sells `template`, with the template chosen."""
    return f"{reverse(ASSIGN_URL_NAME)}?template={template.package_type}:{template.pk}"


def renew_url(assignment: PackageAssignment) -> str:
    """Return the sale page that renews `assignment`: same customer, template and service, starting after it ends."""
    query = f"customer={assignment.customer_id}&template={assignment.package_type}:{assignment.template_id}"
    if assignment.service_id:
        query += f"&service={assignment.service_id}"
    return f"{reverse(ASSIGN_URL_NAME)}?{query}&renews={assignment.pk}"


def resumed_history(resumed: PackageAssignment) -> str:
    """The History row of a resume: the expiry it moved to, the news the manager needs."""
    return f"Resumed; now expires on {format_date(resumed.expires_on)}" if resumed.expires_on else "Resumed"


class ReadOnlyAdminMixin:
    """View-only: rows are written by services, never typed in."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- templates -------------------------------------------------------------------------


HISTORY = ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)})
VALIDITY = VALIDITY_FIELDS  # shown on one line: months or days


class ValidAtInline(GenericTabularInline):
    """The branches a template is valid at; none listed: every branch (packages are chain-wide)."""

    model = TemplateBranch
    ct_field, ct_fk_field = "template_type", "template_id"
    extra = 0
    autocomplete_fields = ("branch",)


class PackageTemplateAdmin(admin.ModelAdmin):
    """What every template admin shares: for those who may change templates, an Assign button, no delete once sold."""

    change_form_template = "admin/packages/template_change_form.html"
    search_fields = ("name", "description")
    list_editable = ("is_active",)
    readonly_fields = ("created_at", "updated_at")
    actions = ("assign_to_customer", "withdraw_from_sale")
    inlines = (ValidAtInline,)

    def get_fieldsets(self, request, obj=None):
        """Show the common fields, then the kind's own (`Kind.fields`, which the API reads too)."""
        kind = kind_for(self.model.package_type)
        own = [VALIDITY if name == VALIDITY[0] else name for name in kind.fields if name != VALIDITY[1]]
        return (
            (None, {"fields": COMMON_FIELDS}),
            (kind.label, {"fields": own, "description": kind.description}),
            HISTORY,
        )

    def get_readonly_fields(self, request, obj=None):
        return (*kind_for(self.model.package_type).computed_fields, "created_at", "updated_at")

    # One permission for every kind's templates (core.permissions "keep_templates"), not the
    # model's own: a kind added later needs nothing granted. Whoever may read templates lists
    # them on the counter pages (cashiers do); the template admin is for those who keep them.
    def has_module_permission(self, request):
        return user_may(request.user, "keep_templates")

    def has_view_permission(self, request, obj=None):
        return user_may(request.user, "keep_templates")

    def has_add_permission(self, request):
        return user_may(request.user, "keep_templates")

    def has_change_permission(self, request, obj=None):
        return user_may(request.user, "keep_templates")

    def has_delete_permission(self, request, obj=None):
        if not user_may(request.user, "keep_templates"):
            return False
        # A sold template stays (template_remove would only withdraw it): withdraw it from sale instead.
        return obj is None or not templates_sold(self.model, [obj.pk])

    def get_queryset(self, request):
        content_type = ContentType.objects.get_for_model(self.model)
        sold = (
            PackageAssignment.objects.filter(template_type=content_type, template_id=OuterRef("pk"))
            .order_by()
            .values("template_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        queryset = super().get_queryset(request).annotate(sold_count=Subquery(sold, output_field=IntegerField()))
        if "included" in self.list_display:
            queryset = queryset.prefetch_related("services_included")
        return queryset

    def delete_model(self, request, obj):
        """The delete page reaches only unsold templates (above); the one rule still decides."""
        template_remove(obj)


    @admin.display(description="Sold", ordering="sold_count")
    def sold(self, obj):
        count = getattr(obj, "sold_count", None) or 0
        if not count:
            return "0"
        content_type = ContentType.objects.get_for_model(self.model)
        url = (
            reverse("admin:packages_packageassignment_changelist")
            + f"?template_type__id__exact={content_type.pk}&template_id={obj.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description="Benefit", ordering="benefit_percent")
    def benefit(self, obj):
        return f"{obj.benefit_percent}%"

    @admin.display(description="Validity")
    def validity(self, obj):
        return obj.validity_text

    @admin.display(description="Sessions")
    def sessions(self, obj):
        return f"Pay {obj.pay_for}, get {obj.total_services} ({obj.free_sessions} free)"

    @admin.display(description="Included services")
    def included(self, obj):
        return ", ".join(service.name for service in obj.services_included.all()) or "-"

    @admin.display(description="")
    def assign_link(self, obj):
        if not obj.is_active:
            return "Not on sale"
        return format_html('<a class="button" href="{}">Assign</a>', assign_url(obj))

    @admin.action(description="Assign the selected template to a customer")
    def assign_to_customer(self, request, queryset):
        templates = list(queryset[:2])
        if len(templates) != 1:
            self.message_user(request, "Select exactly one template to assign.", messages.ERROR)
            return None
        if not templates[0].is_active:
            self.message_user(request, f'"{templates[0].name}" is not on sale.', messages.ERROR)
            return None
        return HttpResponseRedirect(assign_url(templates[0]))

    @admin.action(description="Withdraw the selected templates from sale", permissions=["change"])
    def withdraw_from_sale(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, f"{count} template(s) withdrawn from sale.", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ValidityForm(forms.ModelForm):
    """A validity is in months or in days: the unit the manager fills in replaces the other.

    A new template shows its kind's months; typing days (and leaving the months as shown)
    gives a validity in days. Changing both is refused by the model ("not both").
    """

    def clean(self):
        cleaned = super().clean()
        months, days = cleaned.get("validity_months"), cleaned.get("validity_days")
        if months is not None and days is not None:
            if "validity_months" not in self.changed_data:
                cleaned["validity_months"] = None
            elif "validity_days" not in self.changed_data:
                cleaned["validity_days"] = None
        return cleaned




def template_admin(kind) -> type[PackageTemplateAdmin]:
    """Build the admin of a kind's templates from the kind: its fields, its list columns, its validity."""
    attrs: dict = {"__module__": __name__, "list_display": ("name", *kind.list_columns, "is_active", "sold", "assign_link")}
    if kind.has_validity:
        attrs["form"] = ValidityForm
    if "services_included" in kind.fields:
        attrs["autocomplete_fields"] = ("services_included",)
    if kind.discount_field:
        field = kind.discount_field
        attrs["discount"] = admin.display(description="Discount", ordering=field)(
            lambda self, obj: f"{getattr(obj, field)}%"
        )
    return type(f"{kind.model.__name__}Admin", (PackageTemplateAdmin,), attrs)


def register_template_admin(kind, site: admin.AdminSite = admin.site) -> None:
    """Register the generated admin of `kind`'s templates (every registered kind's, below)."""
    site.register(kind.model, template_admin(kind))


for _kind in all_kinds():
    register_template_admin(_kind)


# --- assignments, trackers, ledger --------------------------------------------------------




class ReadOnlyInline(admin.TabularInline):
    """Rows shown under an assignment: read-only, nothing added or removed by hand."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TrackerInline(ReadOnlyInline):
    model = PackageBenefitTracker
    verbose_name = "benefit"
    verbose_name_plural = "Benefits (billing lookup)"
    fields = (
        "service", "benefit_type", "total_count", "used_count", "remaining_count",
        "discount_percent", "balance_total", "balance_used", "balance_remaining", "valid_from", "valid_until", "is_active",
    )
    readonly_fields = fields
    ordering = ("pk",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service")


class UsageInline(ReadOnlyInline):
    """The ledger of one assignment, oldest first."""

    model = PackageUsage
    verbose_name = "ledger row"
    verbose_name_plural = "Usage ledger"
    fields = (
        "created_at", "kind", "item_name", "sessions_delta", "sessions_after",
        "credit_delta", "credit_after", "invoice_number", "note", "created_by",
    )
    readonly_fields = fields
    ordering = ("created_at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class PackageAssignmentAdmin(admin.ModelAdmin):
    """Packages customers hold. Balances and dates change only through services; notes are editable.

    The one admin of assignments. Selling ("Add") needs billing, a higher app: it plugs its
    sale page and the payments' documents in through `plug_sale`, and the permission checks
    stay here.
    """

    list_display = ("package_name", "customer_link", "package_type", "balance", "status", "expires_on", "price_paid")
    list_filter = ("status", "package_type", "assigned_on", "expires_on")
    search_fields = ("customer__name", "customer__phone", "package_name", "notes")
    list_select_related = ("customer", "service")
    date_hierarchy = "assigned_on"
    autocomplete_fields = ("customer", "service")
    inlines = (TrackerInline, UsageInline)
    editable_fields = ("notes",)
    session_fields = ("total_sessions", "used_sessions", "remaining_sessions")
    credit_fields = ("credit_amount", "credit_used", "credit_remaining")
    actions = ("pause_packages", "resume_packages")
    change_form_template = "admin/packages/packageassignment/change_form.html"
    # Filled by `plug_sale`: the sale page, view(model_admin, request), and documents(obj) -> HTML.
    sale_view = None
    documents_of = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The after-sale pages by operation name: packages' own here, billing's through `plug_operation`.
        self.operation_pages: dict[str, OperationPage] = dict(PACKAGE_OPERATION_PAGES)

    def plug_operation(self, name: str, page: OperationPage) -> None:
        """Add the confirmation page of operation `name` (billing.admin plugs refund and top-up)."""
        OPERATIONS[name]  # an operation the table does not know fails at import
        self.operation_pages[name] = page

    def plug_sale(self, *, view, documents) -> None:
        """Let the app that can take payments sell packages here (billing.admin calls this)."""
        self.sale_view = view
        self.documents_of = documents

    def get_fieldsets(self, request, obj=None):
        balance_fields = ["balance"]
        if obj is not None and obj.has_sessions:
            balance_fields += self.session_fields
        elif obj is not None and obj.is_credit:
            balance_fields += self.credit_fields
        return (
            (None, {"fields": ("customer", "package_name", "package_type", "service", "status")}),
            ("Balance", {"fields": balance_fields, "description": "Balances change only through billing and its ledger."}),
            ("Dates", {"fields": ("assigned_on", "expires_on", "paused_on", "closed_on")}),
            (
                "Sale",
                {
                    "fields": (
                        "price_paid", "sale_value", "discount", "renews", "transferred_from", "created_by", "created_at",
                        "updated_at",
                    )
                },
            ),
            (None, {"fields": ("notes",)}),
            *((("Payments and documents", {"fields": ("documents",)}),) if self.documents_of else ()),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "Add another" would bypass the sale page: only notes are saved here.
        assignment = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "show_save_and_add_another": False,
            "operations": self.operation_buttons(request, assignment) if assignment else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def plugged_operations(self, request) -> list[Operation]:
        """Return the operations with a page that the user holds the permission of."""
        return [
            operation for name, operation in OPERATIONS.items()
            if name in self.operation_pages and user_may(request.user, operation.action)
        ]

    def operation_buttons(self, request, assignment: PackageAssignment) -> list[tuple[str, str]]:
        """Return (label, url) of the operations the user may do that apply to `assignment`, and Renew."""
        buttons = [
            (operation.label, operation.url(assignment.pk))
            for operation in self.plugged_operations(request)
            if operation.applies(assignment)
        ]
        if self.has_add_permission(request) and assignment.status not in CLOSED and assignment.expires_on:
            buttons.append(("Renew", renew_url(assignment)))
        return buttons

    def operation_view(self, request, object_id, name: str):
        """Confirm an after-sale operation: the figures and a form; confirming calls the service."""
        operation, page = OPERATIONS[name], self.operation_pages[name]
        if not user_may(request.user, operation.action):
            raise PermissionDenied
        assignment = self.get_object(request, unquote(object_id))
        if assignment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        back = safe_next(request)
        form = page.form_class(request.POST or None, assignment=assignment, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():  # the operation and its History row (`perform` writes it) or neither
                    message = page.perform(form=form, assignment=assignment, user=request.user)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(back or reverse("admin:packages_packageassignment_change", args=[assignment.pk]))
        assignment.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "title": f"{operation.label}: {assignment.package_name}",
            "subtitle": None,
            "opts": self.opts,
            "original": assignment,
            "operation": operation,
            "figures": page.figures(assignment),
            "refusal": page.refusal(assignment),
            "submit": page.submit,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], prepopulated_fields={}),
            "media": self.media + form.media,
            "back": back or reverse("admin:packages_packageassignment_change", args=[assignment.pk]),
            "has_view_permission": self.has_view_permission(request, assignment),
        }
        return TemplateResponse(request, "admin/packages/packageassignment/operation.html", context)

    def get_readonly_fields(self, request, obj=None):
        names = [field for _, options in self.get_fieldsets(request, obj) for field in options["fields"]]
        return [name for name in names if name not in self.editable_fields]

    def has_add_permission(self, request):
        # Adding is selling, on the page billing plugs in: nothing to add without it.
        return self.sale_view is not None and super().has_add_permission(request)

    def has_pause_permission(self, request):
        return user_may(request.user, "pause_assignment")

    def get_urls(self):
        name = ASSIGN_URL_NAME.removeprefix("admin:")
        custom = [
            path("assign/", self.admin_site.admin_view(self.assign_view), name=name),
            path(
                "import/", self.admin_site.admin_view(partial(import_view, self)),
                name="packages_packageassignment_import",
            ),
        ]
        for operation_name in self.operation_pages:
            view = update_wrapper(partial(self.operation_view, name=operation_name), self.operation_view)
            custom.append(
                path(
                    f"<path:object_id>/{operation_name}/",
                    self.admin_site.admin_view(view),
                    name=OPERATIONS[operation_name].url_name.removeprefix("admin:"),
                )
            )
        return custom + super().get_urls()

    def get_actions(self, request):
        actions = super().get_actions(request)
        for operation in self.plugged_operations(request):
            name = f"{operation.name.replace('-', '_')}_package"
            description = f"{operation.label} the selected package…"
            actions[name] = (partial(self.open_operation, operation=operation), name, description)
        return actions

    def open_operation(self, modeladmin, request, queryset, *, operation: Operation):
        """The changelist action of an operation: open its confirmation page for the one package selected."""
        selected = list(queryset[:2])
        if len(selected) != 1:
            self.message_user(request, f"Select exactly one package to {operation.label.lower()}.", messages.ERROR)
            return None
        return HttpResponseRedirect(operation.url(selected[0].pk))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_packages": user_may(request.user, "import_packages")}
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        query = request.META.get("QUERY_STRING", "")
        url = reverse(ASSIGN_URL_NAME)
        return HttpResponseRedirect(f"{url}?{query}" if query else url)

    def assign_view(self, request):
        """Sell a package: pick customer and template, take the payment, go to the receipt."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.sale_view(self, request)

    def _change_each(self, request, queryset, service, done: str, history: Callable[[PackageAssignment], str]):
        """Call `service` on each selected package; each one done gets the History row `history(changed)`."""
        changed = 0
        for assignment in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    done_one = service(assignment=assignment, user=request.user)
                    log_operation(request.user, [done_one], history(done_one))
            except DomainError as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} package(s) {done}.", messages.SUCCESS)

    @admin.action(description="Pause the selected packages", permissions=["pause"])
    def pause_packages(self, request, queryset):
        self._change_each(request, queryset, assignment_pause, "paused", lambda paused: "Paused")

    @admin.action(description="Resume the selected packages (expiry moves by the pause)", permissions=["pause"])
    def resume_packages(self, request, queryset):
        self._change_each(request, queryset, assignment_resume, "resumed", resumed_history)

    def has_delete_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # The template admins link to "everything sold of this template".
        if lookup in ("template_type__id__exact", "template_id"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="Customer", ordering="customer__name")
    def customer_link(self, obj):
        url = reverse("admin:customers_customer_change", args=[obj.customer_id])
        return format_html('<a href="{}">{}</a><br><small>{}</small>', url, obj.customer.name, format_phone(obj.customer.phone))

    @admin.display(description="Balance")
    def balance(self, obj):
        return balance_text(obj)

    @admin.display(description="Documents")
    def documents(self, obj):
        return self.documents_of(obj) if obj.pk is not None else "-"


admin.site.register(PackageAssignment, PackageAssignmentAdmin)


@admin.register(PackageBenefitTracker)
class PackageBenefitTrackerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "assignment", "customer", "service", "benefit_type", "remaining_count", "total_count",
        "discount_percent", "balance_remaining", "valid_until", "is_active",
    )
    list_filter = ("benefit_type", "is_active", "valid_until")
    search_fields = ("customer__name", "customer__phone", "assignment__package_name")
    list_select_related = ("assignment__customer", "customer", "service")


@admin.register(PackageUsage)
class PackageUsageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at", "assignment", "kind", "item_name", "sessions_delta", "sessions_after",
        "credit_delta", "credit_after", "invoice_number", "created_by",
    )
    list_filter = ("kind", "created_at")
    search_fields = ("assignment__customer__name", "assignment__customer__phone", "invoice_number", "item_name")
    list_select_related = ("assignment__customer", "created_by")
    date_hierarchy = "created_at"
