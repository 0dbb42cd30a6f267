"""Service package ("3+1"): pay for `pay_for` sessions, get `total_services`; the service is chosen at sale."""
from djmoney.money import Money

from ..models import BenefitType, PackageType, ServicePackage, percent
from ..rules import ServicePackageRule
from ..valuation_sql import sessions_value_sql
from .base import Kind, TemplateSummary, value_by_sessions


class ServicePackageKind(Kind):
    package_type = PackageType.SERVICE_PACKAGE.value
    label = PackageType.SERVICE_PACKAGE.label
    description = "Sessions of one service, some of them free; the service is chosen when it is sold."
    model = ServicePackage
    rule = ServicePackageRule
    api_segment = "service-packages"
    fields = ("pay_for", "total_services", "free_sessions", "benefit_percent", "validity_months", "validity_days")
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


KIND = ServicePackageKind()
