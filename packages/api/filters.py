"""django-filter filters for /api/assignments."""
import django_filters

from core.api import IdFilter

from ..kinds import kind_choices
from ..models import AssignmentStatus, PackageAssignment


class AssignmentFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label="Customer id")
    package_type = django_filters.ChoiceFilter(choices=kind_choices)
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices)
    expires_before = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lt", label="Expires before this date (YYYY-MM-DD)"
    )
    expires_after = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="gte", label="Expires on or after this date (YYYY-MM-DD)"
    )

    class Meta:
        model = PackageAssignment
        fields = ["customer", "package_type", "status", "expires_before", "expires_after"]
