"""Kitty party: a group credit on the included services, for a bill of at least `min_guests` guests."""
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from ..models import KittyParty, PackageType
from ..rules import KittyPartyRule
from .base import TemplateSummary, format_inr, included_names, no_service_refusal, rupees
from .prepaid import CreditKind


class IdList(Aggregate):
    """Comma-separated ids: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')", **extra_context
        )


class KittyPartyKind(CreditKind):
    package_type = PackageType.KITTY_PARTY.value
    label = PackageType.KITTY_PARTY.label
    description = "A group credit on the included services, for a bill with enough guests."
    model = KittyParty
    rule = KittyPartyRule
    api_segment = "kitty-parties"
    fields = ("price", "after_value", "benefit_percent", "min_guests", "validity_months", "validity_days", "services_included")
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


KIND = KittyPartyKind()
