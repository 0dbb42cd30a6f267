"""Student offer: a percentage off services, only between two dates and on some weekdays."""
from django.db import models
from django.db.models import OuterRef, Subquery
from djmoney.money import Money

from core.fields import money_field
from core.formats import format_date

from ..models import DISCOUNT_RANGE, DISCOUNT_VALIDATORS, BenefitType, PackageTemplate, check
from ..rules import PercentDiscountRule, Reason, ReasonCode
from ..valuation_sql import time_value_sql
from ..weekdays import WEEKDAYS, parse_valid_days
from . import register
from .base import Kind, TemplateSummary, format_inr, percent_text, value_by_time


def _term(field: str):
    return Subquery(StudentOffer.objects.filter(pk=OuterRef("template_id")).order_by().values(field)[:1])



class StudentOffer(PackageTemplate):
    """A percentage off services, only between two dates and on some weekdays."""

    package_type = "student_offer"

    price = money_field(default=Money(0, "INR"), help_text="Enrolment fee; zero for a free offer.")
    discount_percentage = models.DecimalField(max_digits=5, decimal_places=2, validators=DISCOUNT_VALIDATORS)
    valid_from = models.DateField()
    valid_to = models.DateField()
    valid_days = models.CharField(max_length=40, default="Mon-Fri", help_text='"Mon-Fri" or "Mon,Wed,Sat".')
    conditions = models.TextField(blank=True)

    class Meta(PackageTemplate.Meta):
        constraints = [
            check("price", models.Q(price__gte=0), "studentoffer_price_not_negative", "The fee cannot be negative."),
            check(
                "discount_percentage",
                models.Q(discount_percentage__gt=0, discount_percentage__lte=100),
                "studentoffer_discount_range",
                DISCOUNT_RANGE,
            ),
            check(
                "valid_to",
                models.Q(valid_to__gte=models.F("valid_from")),
                "studentoffer_dates_ordered",
                "The offer cannot end before it starts.",
            ),
        ]

    @property
    def weekdays(self) -> tuple[str, ...]:
        return parse_valid_days(self.valid_days)


class StudentOfferRule(PercentDiscountRule):
    """The percentage applies only between the offer's dates and on its weekdays."""

    def covers(self, line, context):
        reason = super().covers(line, context)
        if reason is not None:
            return reason
        on_date = context.bill_date
        valid_from, valid_to, valid_days = self.term("valid_from"), self.term("valid_to"), self.term("valid_days", "")
        if (valid_from and on_date < valid_from) or (valid_to and on_date > valid_to):
            start = format_date(valid_from) if valid_from else "the start"
            end = format_date(valid_to) if valid_to else "the end"
            return Reason(ReasonCode.INVALID_DAY, f"{self.quoted_name} is valid from {start} to {end} only.")
        if valid_days and WEEKDAYS[on_date.weekday()] not in parse_valid_days(valid_days):
            return Reason(
                ReasonCode.INVALID_DAY,
                f"{self.quoted_name} is valid on {valid_days} only, not on a {on_date:%A}.",
            )
        return None


class StudentOfferKind(Kind):
    package_type = "student_offer"
    label = "Student offer"
    description = "A percentage off services, between two dates and on the weekdays it names."
    model = StudentOffer
    rule = StudentOfferRule
    api_segment = "student-offers"
    fields = ("price", "discount_percentage", "valid_from", "valid_to", "valid_days", "conditions")
    help_texts = {"price": "Enrolment fee; 0.00 for a free offer."}
    admin_columns = ("price", "discount", "valid_from", "valid_to", "valid_days")
    balance_label = "Discount on services"

    def clean(self, template):
        template.valid_days = (template.valid_days or "").strip()
        try:
            if not parse_valid_days(template.valid_days):
                return {"valid_days": "Name at least one weekday."}
        except ValueError as exc:
            return {"valid_days": str(exc)}
        return {}

    def default_expiry(self, template, start):
        return template.valid_to

    def validity_text(self, template):
        return f"{format_date(template.valid_from)} – {format_date(template.valid_to)}, {template.valid_days}"

    def sale_refusal(self, template, today):
        if template.valid_to < today:
            return f'"{template.name}" ended on {format_date(template.valid_to)}.'
        return None

    def tracker_rows(self, assignment, template):
        return [
            self.tracker(
                assignment,
                service=None,
                benefit_type=BenefitType.DISCOUNT,
                discount_percent=template.discount_percentage,
                valid_from=max(template.valid_from, assignment.assigned_on),
            )
        ]

    def holding_annotations(self):
        return {
            "offer_valid_days": _term("valid_days"),
            "offer_valid_from": _term("valid_from"),
            "offer_valid_to": _term("valid_to"),
        }

    def holding_terms(self, assignment, trackers, extra):
        discount = next((t for t in trackers if t.benefit_type == BenefitType.DISCOUNT), None)
        offer_start = discount.valid_from if discount else None
        return {
            "discount_percent": discount.discount_percent if discount else 0,
            "valid_from": max(filter(None, (offer_start, assignment.offer_valid_from)), default=None),
            "valid_to": assignment.offer_valid_to,
            "valid_days": assignment.offer_valid_days or "",
        }

    value_left = staticmethod(value_by_time)
    value_left_sql = staticmethod(time_value_sql)

    def describe(self, template):
        return f"{percent_text(template.discount_percentage)}% off {template.valid_days}, till {format_date(template.valid_to)}"

    def summary(self, template):
        return TemplateSummary(
            price=format_inr(template.price),
            value=f"{template.discount_percentage}% off services",
            benefit_percent=template.discount_percentage,
        )


KIND = register(StudentOfferKind())
