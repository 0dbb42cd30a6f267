"""Serializers for package templates and assignments; field names are the integrators' contract."""
import copy
from collections.abc import Mapping
from functools import cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import NOT_PROVIDED
from djmoney.models.fields import MoneyField
from rest_framework import serializers

from catalog.models import Service
from core.api import MoneyAmountField

from ..kinds import kind_choices
from ..models import MAX_VALIDITY_MONTHS, MIN_VALIDITY_MONTHS, VALIDITY_DAYS_MAX, AssignmentStatus, PackageAssignment

# Bounds that keep every number inside its database column; the rules live in Model.clean().
COUNT_MAX = 10_000
COMMON_FIELDS = ["id", "package_type", "name", "description", "is_active"]
VALIDITY_UNITS = ("validity_months", "validity_days")
UNKNOWN_FIELD = "Unknown field."


class TemplateSerializer(serializers.ModelSerializer):
    """What every template shares; validation is the model's own `full_clean()`.

    A body naming a field the kind does not have is refused (400, the field named in
    `errors`) rather than silently dropped; fields the answer shows (id, computed figures)
    may be sent back and are ignored.
    """

    refuse_unknown_fields = True  # documented as additionalProperties: false (core.api.ApiSchema)

    package_type = serializers.SerializerMethodField()
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    class Meta:
        fields = COMMON_FIELDS
        read_only_fields = ["id", "package_type"]

    def get_package_type(self, obj) -> str:
        return str(self.Meta.model.package_type)

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {str(name): [UNKNOWN_FIELD] for name in data if name not in self.fields}
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, Mapping):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        # A validity is in months or in days: the unit sent replaces the other one.
        sent = [unit for unit in VALIDITY_UNITS if unit in attrs]
        if len(sent) == 1 and all(unit in self.fields for unit in VALIDITY_UNITS):
            other = VALIDITY_UNITS[1 - VALIDITY_UNITS.index(sent[0])]
            if attrs[sent[0]] is not None:
                attrs[other] = None
        return attrs

    def validate(self, attrs):
        """Run the model's validation on the would-be template; refuse what `clean()` refuses."""
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=sorted(many_to_many))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


def _count(**kwargs):
    return serializers.IntegerField(min_value=kwargs.pop("min_value", 1), max_value=COUNT_MAX, **kwargs)


def _validity(**kwargs):
    return serializers.IntegerField(
        min_value=MIN_VALIDITY_MONTHS, max_value=MAX_VALIDITY_MONTHS, required=False, allow_null=True,
        help_text="Validity in months (default for new templates of the kind); null when given in days.", **kwargs
    )


def _validity_days(**kwargs):
    return serializers.IntegerField(
        min_value=1, max_value=VALIDITY_DAYS_MAX, required=False, allow_null=True,
        help_text='Validity in days (the seed\'s "Validity: 60 days"), instead of months: send one of the two.',
        **kwargs,
    )


def _benefit_percent():
    # Computed; no digit limit on the way out, so a stored figure can always be answered.
    return serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)


def _services_included():
    return serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=Service.objects.all(),
        error_messages={"required": "Choose at least one included service.", "empty": "Choose at least one included service."},
        help_text="Ids of the services the package includes: at least one.",
    )


def _template_meta(model) -> type:
    """Return the Meta of a template serializer: the common fields, then the kind's own (`Kind.fields`)."""
    kind = model().kind
    return type(
        "Meta",
        (TemplateSerializer.Meta,),
        {
            "model": model,
            "fields": [*COMMON_FIELDS, *kind.fields],
            "read_only_fields": ["id", "package_type", *kind.computed_fields],
        },
    )


def _declared_field(model_field, help_text: str | None):
    """Return the serializer field for a template field a kind lists, by its model field's type.

    The API's bounds and messages, not ModelSerializer's: amounts in rupees, counts from 1 to
    COUNT_MAX, free text at most 4,000 characters. None: what ModelSerializer makes of it is right.
    """
    required = model_field.default is NOT_PROVIDED
    if isinstance(model_field, MoneyField):
        return MoneyAmountField(required=required, help_text=help_text)
    if model_field.name == "validity_months":
        return _validity()
    if model_field.name == "validity_days":
        return _validity_days()
    if model_field.name == "benefit_percent":
        return _benefit_percent()
    if model_field.many_to_many and model_field.related_model is Service:
        return _services_included()
    if isinstance(model_field, models.PositiveIntegerField):
        return _count(required=required, help_text=help_text)
    if isinstance(model_field, models.TextField):
        return serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=help_text)
    return None


@cache
def template_serializer(kind) -> type[TemplateSerializer]:
    """Return the template serializer of a kind, generated from the kind: its fields are `kind.fields`,
    its help texts `kind.help_texts` (the integrators' contract: tests/api pins the field names)."""
    declared = {
        name: field
        for name in kind.fields
        if (field := _declared_field(kind.model._meta.get_field(name), kind.help_texts.get(name))) is not None
    }
    return type(f"{kind.model.__name__}Serializer", (TemplateSerializer,), {**declared, "Meta": _template_meta(kind.model), "__module__": __name__})


class SessionsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()


class CreditSerializer(serializers.Serializer):
    total = MoneyAmountField()
    used = MoneyAmountField()
    remaining = MoneyAmountField()


class AssignmentSerializer(serializers.ModelSerializer):
    """A package sold to a customer, with its balance (REST resource /api/assignments)."""

    assignment_id = serializers.IntegerField(source="pk", read_only=True)
    customer_id = serializers.IntegerField(read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    package_id = serializers.IntegerField(source="template_id", read_only=True)
    name = serializers.CharField(source="package_name", read_only=True)
    service_id = serializers.IntegerField(read_only=True, allow_null=True)
    service_name = serializers.CharField(source="service.name", read_only=True, allow_null=True, default=None)
    sessions = serializers.SerializerMethodField()
    credit = serializers.SerializerMethodField()
    price_paid = MoneyAmountField(read_only=True, help_text="What the customer paid, GST included when taxed at sale.")
    sale_value = MoneyAmountField(
        read_only=True, help_text="The price paid less the GST charged at sale; for prepaid and kitty credit, the price paid."
    )
    discount = MoneyAmountField(read_only=True)
    sold_at = serializers.CharField(
        source="branch.code", read_only=True, help_text="The code of the branch that sold it (it is used at any)."
    )

    class Meta:
        model = PackageAssignment
        fields = [
            "id", "assignment_id", "customer_id", "customer_name", "package_type", "package_id", "name",
            "service_id", "service_name", "status", "assigned_on", "expires_on", "paused_on",
            "sessions", "credit", "price_paid", "sale_value", "discount", "notes", "created_at", "sold_at",
        ]
        read_only_fields = fields

    def get_sessions(self, obj) -> SessionsSerializer:
        return {"total": obj.total_sessions, "used": obj.used_sessions, "remaining": obj.remaining_sessions}

    def get_credit(self, obj) -> CreditSerializer:
        return CreditSerializer(
            {"total": obj.credit_amount, "used": obj.credit_used, "remaining": obj.credit_remaining}
        ).data


class PackageCreditSerializer(serializers.Serializer):
    total = MoneyAmountField()
    remaining = MoneyAmountField()


class CustomerPackageSerializer(serializers.Serializer):
    """One item of customer-packages (documents `packages.presenters.assignment_summary`)."""

    id = serializers.IntegerField()
    assignment_id = serializers.IntegerField()
    name = serializers.CharField()
    package_type = serializers.ChoiceField(choices=kind_choices())
    service_id = serializers.IntegerField(allow_null=True)
    service_name = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    assigned_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    sessions = SessionsSerializer()
    credit = PackageCreditSerializer()
