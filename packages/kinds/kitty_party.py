"""Kitty party: a group credit on the included services, for a bill of at least `min_guests` guests."""
from django.db.models import OuterRef, Subquery

from ..models import KittyParty, PackageType
from ..rules import KittyPartyRule
from .base import TemplateSummary, format_inr, included_names, rupees
from .prepaid import CreditKind


class KittyPartyKind(CreditKind):
    package_type = PackageType.KITTY_PARTY.value
    label = PackageType.KITTY_PARTY.label
    description = "A group credit on the included services, for a bill with enough guests."
    model = KittyParty
    rule = KittyPartyRule
    api_segment = "kitty-parties"
    fields = ("price", "after_value", "benefit_percent", "min_guests", "validity_months", "validity_days", "services_included")
    compute_inputs = ("price", "after_value")

    def holding_annotations(self):
        return {"kitty_min_guests": Subquery(KittyParty.objects.filter(pk=OuterRef("template_id")).values("min_guests")[:1])}

    def prefetch_terms(self, template_ids):
        included: dict[int, set[int]] = {}
        through = KittyParty.services_included.through
        for kitty_id, service_id in through.objects.filter(kittyparty_id__in=template_ids).values_list(
            "kittyparty_id", "service_id"
        ):
            included.setdefault(kitty_id, set()).add(service_id)
        return {kitty_id: {"included_service_ids": frozenset(ids)} for kitty_id, ids in included.items()}

    def holding_terms(self, assignment, trackers, extra):
        return {
            "included_service_ids": extra.get("included_service_ids", frozenset()),
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
