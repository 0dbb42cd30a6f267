"""Reads on packages that span relations, with their joins inside (one query budget each)."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from branches.selectors import works_at_condition
from core.auth import TextList
from core.compiled import CompiledQuery, Row

from .kinds import all_kinds, kind_for
from .models import AssignmentStatus, PackageAssignment, PackageBenefitTracker, TemplateBranch
from .rules import Holding, Terms


def customer_packages(*, customer_id: int, on_date: date | None = None) -> QuerySet[PackageAssignment]:
    """Return the customer's assignments, soonest expiry first (never-expiring last), in one query.

    Without `on_date` every assignment is listed (history included); with it, only
    those still of use that day: active or paused, not completed, not past their date.
    """
    assignments = PackageAssignment.objects.filter(customer_id=customer_id).select_related("service")
    if on_date is not None:
        assignments = assignments.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on_date),
            status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED],
        )
    return assignments.order_by(F("expires_on").asc(nulls_last=True), "pk")


# What a `Holding` and the kinds' `holding_terms` read of a tracker.
TRACKER_FIELDS = ("assignment_id", "benefit_type", "service_id", "discount_percent", "valid_from")


# Between a branch's code and its name, and between branches, in `valid_at` (codes hold neither).
CODE_END, BRANCH_END = "\x1f", "\x1e"


def assignments_readable_by(user) -> QuerySet[PackageAssignment]:
    """Return the assignments whose usage `user` may read: where they could bill the package.

    Packages are chain-wide (sold at one branch, used at any), so a user who works at any branch
    where the template may be used reads it: every branch when the template names none, else
    one of those it names; and where it was sold. Another branch's package is not found (404).
    """
    assignments = PackageAssignment.objects.all()
    condition = works_at_condition(user)
    if condition is None:
        return assignments
    links = TemplateBranch.objects.filter(template_type=OuterRef("template_type"), template_id=OuterRef("template_id"))
    return assignments.filter(~Exists(links) | Exists(links.filter(works_at_condition(user))) | condition)


def valid_at_subquery() -> Subquery:
    """A subquery: the branches the outer assignment's template lists, as one text (NULL: every branch)."""
    links = (
        TemplateBranch.objects.filter(template_type=OuterRef("template_type"), template_id=OuterRef("template_id"))
        .order_by()
        .annotate(together=Value(1))
        .values("together")
        .annotate(
            # TextList's own separator is a space, which names hold.
            pairs=TextList(Concat("branch__code", Value(CODE_END), "branch__name", output_field=CharField()), BRANCH_END)
        )
        .values("pairs")
    )
    return Subquery(links, output_field=CharField())


def parse_valid_at(text: str | None) -> tuple[tuple[str, str], ...]:
    """Read `valid_at_subquery`'s text back as (code, name) pairs."""
    if not text:
        return ()
    return tuple(tuple(pair.split(CODE_END, 1)) for pair in sorted(text.split(BRANCH_END)))


def template_valid_at(template) -> tuple[tuple[str, str], ...]:
    """Return the branches `template` lists as (code, name) pairs, as `Holding.valid_at` holds them (none: every branch)."""
    links = TemplateBranch.objects.filter(
        template_type=ContentType.objects.get_for_model(template), template_id=template.pk
    ).values_list("branch__code", "branch__name")
    return tuple(sorted(links))


def _annotations() -> dict:
    """The template terms billing needs that trackers do not hold (each kind names its own), and its branches."""
    annotations = {"valid_at": valid_at_subquery()}
    for kind in all_kinds():
        annotations.update(kind.holding_annotations())
    return annotations


def assignment_columns() -> tuple[str, ...]:
    """Every column of an assignment (attnames), so a locked row can become a model later."""
    return tuple(field.attname for field in PackageAssignment._meta.concrete_fields)


def holdings_queryset(customer_id: int, *, for_update: bool = False, annotate: dict | None = None) -> QuerySet:
    """The customer's assignments as values() rows (every column, the service name, the kinds' terms), by id.

    `for_update` locks them (packages.locks does): one statement either way. The plain
    manager keeps django-money's queryset wrappers, which only matter for Money lookups, off
    this hot read. `annotate` adds the caller's columns (by name) to the same statement.
    """
    extra = {**_annotations(), **(annotate or {})}
    queryset = PackageAssignment._base_manager.filter(customer_id=customer_id).annotate(
        service_name=F("service__name"), **extra
    )
    if for_update:
        queryset = queryset.select_for_update(no_key=True, of=("self",))
    return queryset.order_by("pk").values(*assignment_columns(), "service_name", *extra)


def trackers_queryset(customer_id: int, *, for_update: bool = False) -> QuerySet:
    """The trackers of the customer's assignments as values() rows, in id order (locked so if asked)."""
    queryset = PackageBenefitTracker._base_manager.filter(assignment__customer_id=customer_id).order_by("pk")
    if for_update:
        queryset = queryset.select_for_update(no_key=True, of=("self",))
    return queryset.values(*TRACKER_FIELDS)


def trackers_by_assignment(rows: Iterable[Row]) -> dict[int, list[Row]]:
    """Group tracker rows (`TRACKERS` or `TRACKERS_LOCK`) by their assignment's id, in the order read."""
    by_assignment: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_assignment[row.assignment_id].append(row)
    return by_assignment


# The billing page reads these on every change of the cart: compiled once per connection.
HOLDINGS = CompiledQuery(holdings_queryset, row_class=Row)
TRACKERS = CompiledQuery(trackers_queryset, row_class=Row)


def holdings_from_rows(rows: list[Row], trackers: dict[int, list[Row]]) -> list[Holding]:
    """Build the `Holding`s; a kind with terms in a table of its own (the kitty party) adds one query if held."""
    templates: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        templates[row.package_type].append(row.template_id)
    extras = {package_type: kind_for(package_type).prefetch_terms(ids) for package_type, ids in templates.items()}
    holdings = []
    for row in rows:
        kind = kind_for(row.package_type)
        terms = kind.holding_terms(row, trackers.get(row.id, ()), extras[row.package_type].get(row.template_id, {}))
        holdings.append(
            Holding(
                assignment_id=row.id,
                package_type=kind.package_type,
                name=row.package_name,
                status=row.status,
                assigned_on=row.assigned_on,
                expires_on=row.expires_on,
                service_id=row.service_id,
                service_name=row.service_name or "",
                remaining_sessions=row.remaining_sessions,
                credit_remaining=row.credit_remaining,
                valid_at=parse_valid_at(row.valid_at),
                terms=Terms(terms),
            )
        )
    return holdings


def billing_holdings(*, customer_id: int) -> list[Holding]:
    """Return every package the customer holds as a `Holding`, in two queries whatever their number.

    (Plus one if the customer holds a kind with terms in a table of its own: the kitty party's
    included services.) Rows, not models: nothing per row but the `Holding` itself.
    """
    rows = HOLDINGS.run(customer_id=customer_id)
    if not rows:
        return []
    return holdings_from_rows(rows, trackers_by_assignment(TRACKERS.run(customer_id=customer_id)))
