"""Service package ("3+1"): pay for `pay_for` sessions, get `total_services`; the service is chosen at sale."""
from django.db import models
from djmoney.money import Money

from ..models import (
    BenefitType,
    PackageTemplate,
    check,
    computed,
    percent,
    percent_sql,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from ..rules import BenefitRule, Reason, ReasonCode
from ..valuation_sql import sessions_value_sql
from . import register
from .base import Kind, TemplateSummary, value_by_sessions


class ServicePackage(PackageTemplate):
    """Pay for `pay_for` sessions, get `total_services` ("3+1"). The service is chosen at assignment."""

    package_type = "service_package"

    pay_for = models.PositiveIntegerField()
    total_services = models.PositiveIntegerField()
    free_sessions = computed(models.F("total_services") - models.F("pay_for"), models.IntegerField())
    benefit_percent = computed(
        percent_sql(models.F("total_services") - models.F("pay_for"), models.F("pay_for")),
        models.DecimalField(max_digits=6, decimal_places=2),
    )
    validity_months = validity_months_field(default=6)
    validity_days = validity_days_field()

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("pay_for", models.Q(pay_for__gt=0), "servicepackage_pay_for_positive", "Pay for at least one session."),
            check(
                "total_services",
                models.Q(total_services__gt=models.F("pay_for")),
                "servicepackage_total_above_pay_for",
                "Total sessions must be more than the sessions paid for.",
            ),
            *validity_constraints("servicepackage"),
        ]


class ServicePackageRule(BenefitRule):
    """Free sessions of the one service chosen at assignment, while sessions remain."""

    benefit_type = BenefitType.FREE.value
    priority = 0

    def covers(self, line, context):
        if not line.is_service or line.item_id != self.holding.service_id:
            covered = self.holding.service_name or "another service"
            return Reason(ReasonCode.WRONG_ITEM, f"{self.quoted_name} covers {covered}, not {line.name}.")
        return None

    def has_balance(self):
        return self.holding.remaining_sessions > 0

    def empty_reason(self):
        return Reason(ReasonCode.NONE_LEFT, f"{self.quoted_name} has no sessions left.")

    def apply(self, line):
        # Partial cover: quantity beyond the remaining sessions is charged at full price.
        covered = min(line.quantity, self.holding.remaining_sessions)
        return self._result(quantity_covered=covered, sessions_used=covered, discount=line.unit_price * covered)


class ServicePackageKind(Kind):
    package_type = "service_package"
    label = "Service package"
    description = "Sessions of one service, some of them free; the service is chosen when it is sold."
    model = ServicePackage
    rule = ServicePackageRule
    api_segment = "service-packages"
    fields = ("pay_for", "total_services", "free_sessions", "benefit_percent", "validity_months", "validity_days")
    help_texts = {"pay_for": "Sessions paid for (3 in a 3+1).", "total_services": "Sessions given in all (4 in a 3+1)."}
    admin_columns = ("sessions", "benefit", "validity")
    computed_fields = ("free_sessions", "benefit_percent")
    compute_inputs = ("pay_for", "total_services")
    has_sessions = True
    service_chosen_at_sale = True

    def compute(self, template):
        if template.pay_for is not None and template.total_services is not None:
            template.free_sessions = max(template.total_services - template.pay_for, 0)
            template.benefit_percent = percent(template.free_sessions, template.pay_for)

    def list_price(self, template, service=None):
        # The template names no service: its price is pay_for x the chosen service's price.
        if service is None:
            return Money(0, "INR")
        return service.price * template.pay_for

    def sessions_granted(self, template) -> int:
        return template.total_services

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(
                assignment,
                service_id=assignment.service_id,
                benefit_type=BenefitType.FREE,
                total_count=assignment.total_sessions,
                used_count=assignment.used_sessions,
                remaining_count=assignment.remaining_sessions,
            )
        ]

    value_left = staticmethod(value_by_sessions)
    value_left_sql = staticmethod(sessions_value_sql)

    def describe(self, template):
        return f"{template.pay_for}+{template.free_sessions} sessions of the service you choose"

    def summary(self, template):
        return TemplateSummary(
            price=f"{template.pay_for} × service price",
            value=f"{template.total_services} sessions ({template.free_sessions} free)",
            benefit_percent=template.benefit_percent,
        )


KIND = register(ServicePackageKind())
