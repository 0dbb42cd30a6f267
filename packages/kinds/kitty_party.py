"""Kitty party: a group credit on the included services, for a bill of at least `min_guests` guests."""
from django.db import models
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from catalog.models import Service
from core.fields import money_field

from ..models import (
    PRICE_POSITIVE,
    PackageTemplate,
    benefit_percent_field,
    check,
    validity_constraints,
    validity_days_field,
    validity_months_field,
)
from ..rules import CreditRule, Reason, ReasonCode
from . import register
from .base import TemplateSummary, format_inr, included_names, no_service_refusal, rupees
from .prepaid import CreditKind


class KittyParty(PackageTemplate):
    """A group credit on the included services, for a bill of at least `min_guests` guests."""

    package_type = "kitty_party"

    price = money_field()
    after_value = money_field("credit value")
    benefit_percent = benefit_percent_field("after_value", "price")
    min_guests = models.PositiveIntegerField(default=10)
    validity_months = validity_months_field(default=3)
    validity_days = validity_days_field()
    services_included = models.ManyToManyField(Service, related_name="kitty_parties")

    class Meta(PackageTemplate.Meta):
        verbose_name_plural = "kitty parties"
        constraints = [
            check("price", models.Q(price__gt=0), "kitty_price_positive", PRICE_POSITIVE),
            check(
                "after_value",
                models.Q(after_value__gte=models.F("price")),
                "kitty_value_not_below_price",
                "The credit value cannot be below the price.",
            ),
            check("min_guests", models.Q(min_guests__gte=1), "kitty_min_guests_positive", "At least one guest."),
            *validity_constraints("kitty"),
        ]


class IdList(Aggregate):
    """Comma-separated ids: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')", **extra_context
        )


class KittyPartyRule(CreditRule):
    """Group credit on the included services, for a bill with at least `min_guests` guests."""

    pays_round_off = False

    def covers(self, line, context):
        if not line.is_service or line.item_id not in self.term("included_service_ids", frozenset()):
            return Reason(ReasonCode.WRONG_ITEM, f"{self.quoted_name} does not include {line.name}.")
        guests, min_guests = context.guests or 0, self.term("min_guests", 0)
        if guests < min_guests:
            return Reason(
                ReasonCode.TOO_FEW_GUESTS,
                f"{self.quoted_name} needs at least {min_guests} guests; this bill has {guests}.",
            )
        return None


class KittyPartyKind(CreditKind):
    package_type = "kitty_party"
    label = "Kitty party"
    description = "A group credit on the included services, for a bill with enough guests."
    model = KittyParty
    rule = KittyPartyRule
    api_segment = "kitty-parties"
    fields = ("price", "after_value", "benefit_percent", "min_guests", "validity_months", "validity_days", "services_included")
    help_texts = {"price": "What the group pays.", "after_value": "The group credit."}
    admin_columns = ("price", "after_value", "benefit", "min_guests", "validity")
    compute_inputs = ("price", "after_value")

    def sale_refusal(self, template, today):
        return no_service_refusal(template)

    def holding_annotations(self):
        # The included services ride on the holdings' one statement (a list of ids), so billing
        # reads a kitty party without a query of its own.
        included = (
            KittyParty.services_included.through.objects.filter(kittyparty_id=OuterRef("template_id"))
            .order_by()
            .values("kittyparty_id")
            .annotate(ids=IdList("service_id"))
            .values("ids")
        )
        return {
            "kitty_min_guests": Subquery(
                KittyParty.objects.filter(pk=OuterRef("template_id")).order_by().values("min_guests")[:1]
            ),
            "kitty_service_ids": Subquery(included),
        }

    def holding_terms(self, assignment, trackers, extra):
        ids = assignment.kitty_service_ids
        return {
            "included_service_ids": frozenset(int(pk) for pk in ids.split(",")) if ids else frozenset(),
            "min_guests": assignment.kitty_min_guests or 0,
        }

    def describe(self, template):
        return f"pay {rupees(template.price)}, get {rupees(template.after_value)} for {template.min_guests}+ guests"

    def summary(self, template):
        return TemplateSummary(
            price=format_inr(template.price),
            value=f"{format_inr(template.after_value)} group credit, {template.min_guests}+ guests: "
            f"{included_names(template) or 'no services yet'}",
            benefit_percent=template.benefit_percent,
        )


KIND = register(KittyPartyKind())
