"""REST resource /api/customers: search by name or phone, register and edit customers."""
import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.permissions import ModelPermissions

from .models import Customer
from .selectors import customer_search
from .services import customer_create, customer_update


class CustomerSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    reminders_opt_out = serializers.BooleanField(
        read_only=True, help_text="True when no channel may carry a reminder (derived from the consent records)."
    )

    class Meta:
        model = Customer
        fields = [
            "id", "name", "phone", "email", "date_of_birth", "state_code", "gstin", "address", "notes", "reminders_opt_out", "created_at",
        ]
        read_only_fields = fields


class CustomerInputSerializer(serializers.Serializer):
    """Shapes only; `customer_create` / `customer_update` normalise and check the values."""

    name = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=32, help_text="Any common form: 98450 12345, +91 98450 12345.")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None, help_text="In the past.")
    state_code = serializers.CharField(required=False, allow_blank=True, max_length=2, default="")
    gstin = serializers.CharField(required=False, allow_blank=True, max_length=15, default="")
    address = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="",
        help_text="Postal address; with state_code, needed on a tax invoice of RULE46_THRESHOLD (₹50,000) or more "
        "to a customer without a GSTIN (GST Rule 46).",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    reminders_opt_out = serializers.BooleanField(
        required=False, default=False,
        help_text="True: send this customer no reminders (every channel withdrawn). False: e-mail and SMS "
        "reminders go again. Each change is a consent record (how: api, by: the token's user).",
    )


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name or phone contains")

    class Meta:
        model = Customer
        fields = ["search", "state_code"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(customer_search(value))


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers: cashiers search, register and edit them (no delete: invoices keep them)."""

    queryset = Customer.objects.order_by("name", "pk").prefetch_related("consents")
    serializer_class = CustomerSerializer
    permission_classes = [ModelPermissions]
    filterset_class = CustomerFilter
    lookup_value_regex = r"\d+"

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerSerializer})
    def create(self, request, *args, **kwargs):
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_create(**data.validated_data, by=request.user)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerInputSerializer, responses={200: CustomerSerializer})
    def update(self, request, *args, **kwargs):
        customer = self.get_object()
        partial = kwargs.pop("partial", False)
        data = CustomerInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        # A partial update validates (and so changes) only the fields it was sent.
        customer = customer_update(customer=customer, by=request.user, **data.validated_data)
        return Response(CustomerSerializer(customer).data)

    @extend_schema(request=CustomerInputSerializer(partial=True), responses={200: CustomerSerializer})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)
