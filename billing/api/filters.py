"""django-filter filters for /api/invoices."""
import django_filters

from core.api import IdFilter

from ..models import Invoice, InvoiceKind, InvoiceStatus


class InvoiceFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label="Customer id")
    date_from = django_filters.DateFilter(field_name="bill_date", lookup_expr="gte", label="Billed on or after")
    date_to = django_filters.DateFilter(field_name="bill_date", lookup_expr="lte", label="Billed on or before")
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices)
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")

    class Meta:
        model = Invoice
        fields = ["customer", "date_from", "date_to", "status", "kind", "number"]
