"""Customers in admin: searchable by name and phone (the autocomplete everywhere else uses it)."""
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from core.phones import format_phone, normalise_phone

from .consent import reminders_opt_out_set
from .models import ConsentSource, Customer, DataRequest
from .selectors import customer_search


class CustomerForm(forms.ModelForm):
    # Derived from the consent records (customers/consent.py); saving it records a consent row per channel.
    reminders_opt_out = forms.BooleanField(
        label="No reminders", required=False,
        help_text="Ticked: every channel is withdrawn. Unticked: e-mail and SMS reminders go "
        "(WhatsApp needs the customer's own opt-in). Each change is recorded below.",
    )

    class Meta:
        model = Customer
        fields = ("name", "phone", "email", "date_of_birth", "state_code", "gstin", "address", "notes")
        help_texts = {"phone": "A mobile number, with or without spaces: +91 98450 12345."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["reminders_opt_out"] = self.instance.reminders_opt_out
        # Shown as people read it (+91 98450 12345); clean_phone stores it as +919845012345 again.
        if self.instance.pk and self.instance.phone:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean_phone(self):
        # Normalised here as well as in Customer.clean() so that a bad number is
        # reported on the phone field and the unique check compares stored forms.
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean_gstin(self):
        return (self.cleaned_data.get("gstin") or "").strip().upper()


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerForm
    list_display = ("name", "phone_number", "email", "gstin", "state_code", "created_at", "packages_link")
    list_filter = ("state_code", "created_at")
    search_fields = ("name", "phone", "email", "gstin")
    readonly_fields = ("created_at", "packages_link", "consent_record")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "phone", "email", "date_of_birth", "reminders_opt_out", "consent_record")}),
        ("GST", {"fields": ("gstin", "state_code", "address")}),
        (None, {"fields": ("notes", "created_at", "packages_link")}),
    )

    # Data on request (docs/customers-side.md): the export and erasure pages, view(model_admin,
    # request, customer), by name; the app that reads invoices and messages plugs them in (portal.admin).
    data_pages: dict = {}
    DATA_PERMISSIONS = {"export": "customers.export_customer", "erase": "customers.erase_customer"}

    def plug_data_requests(self, **pages) -> None:
        self.data_pages = dict(pages)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        mine = [name for name in self.data_pages if request.user.has_perm(self.DATA_PERMISSIONS[name])]
        if obj is not None and mine:
            fieldsets.append(("Data on request", {"fields": ("data_on_request",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "data_on_request")

    @admin.display(description="Export or erase")
    def data_on_request(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}" data-testid="export-data">Export the customer\'s data</a> · '
            '<a href="{}" data-testid="erase-data">Erase the customer\'s personal data…</a>',
            reverse("admin:customers_customer_export", args=[obj.pk]),
            reverse("admin:customers_customer_erase", args=[obj.pk]),
        )

    def get_urls(self):
        def page(name):
            def view(request, object_id: int):
                if not request.user.has_perm(self.DATA_PERMISSIONS[name]):
                    raise PermissionDenied
                return self.data_pages[name](self, request, get_object_or_404(Customer, pk=object_id))

            return self.admin_site.admin_view(view)

        mine = [
            path(f"<int:object_id>/{name}/", page(name), name=f"customers_customer_{name}") for name in self.data_pages
        ]
        return [*mine, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reminders_opt_out_set(
            customer=obj, opt_out=form.cleaned_data.get("reminders_opt_out", False), how=ConsentSource.ADMIN,
            by=request.user,
        )

    def get_search_results(self, request, queryset, search_term):
        # The same search as the API: a phone typed with spaces or in another script finds it.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(customer_search(search_term))
        return found, may_have_duplicates

    @admin.display(description="Phone", ordering="phone")
    def phone_number(self, obj):
        return format_phone(obj.phone)

    @admin.display(description="Consent (newest first)")
    def consent_record(self, obj):
        """The consent rows, read only: a change is a new row (the tick above, the counter, the opt-out link)."""
        rows = list(obj.consents.select_related("by")) if obj.pk else []
        if not rows:
            return "No record: e-mail and SMS reminders go as service messages; WhatsApp waits for an opt-in."
        return format_html(
            '<table class="consent-record"><tr><th>Channel</th><th>Status</th><th>When</th><th>How</th><th>By</th>'
            "<th>Words shown</th></tr>{}</table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (row.get_channel_display(), row.status, date_format(timezone.localtime(row.at), "j M Y, H:i"),
                     row.get_how_display(), row.by or "-", row.words)
                    for row in rows
                ),
            ),
        )

    @admin.display(description="Packages")
    def packages_link(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:packages_packageassignment_changelist") + f"?customer__id__exact={obj.pk}"
        return format_html('<a href="{}">Packages held</a>', url)


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """The log of exports and erasures (who, when, which customer): read only."""

    list_display = ("done_at", "kind", "reference", "done_by")
    list_filter = ("kind",)
    search_fields = ("reference",)
    list_select_related = ("done_by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
