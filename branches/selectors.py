"""Which branch a request works at, decided in one place and at most one query per request.

The API takes `X-Branch: CODE`; a page sends the branch its user picked after logging in
(kept in the session); without either, the user's only branch, or the shop's only branch.
With one active branch everybody works at it and nothing changes for a single shop.
"""
from django.conf import settings
from django.db.models import Exists, OuterRef

from core.compiled import CompiledQuery
from core.exceptions import DomainError
from core.permissions import user_may

from .models import Branch, BranchMembership

HEADER = "HTTP_X_BRANCH"
SESSION_KEY = "branch_id"
CHAIN_WIDE = "branches.work_at_every_branch"
_CACHE = "_spa_branch"


class UnknownBranch(DomainError):
    default_message = "Unknown branch."


class BranchNotChosen(DomainError):
    default_message = "Choose a branch: send X-Branch: CODE."


class BranchRefused(DomainError):
    default_message = "You do not work at this branch."
    status_code = 403


def first_branch() -> Branch:
    """Return the oldest branch; with none at all, the one made from the SPA_* settings (as the migration does)."""
    oldest = Branch.objects.order_by("pk").first()
    if oldest is not None:
        return oldest
    branch, _ = Branch.objects.get_or_create(
        code=settings.SPA_BRANCH_CODE,
        defaults={
            "name": settings.SPA_NAME,
            "address": settings.SPA_ADDRESS,
            "phone": settings.SPA_PHONE,
            "gstin": settings.SPA_GSTIN,
            "state_code": settings.SPA_STATE_CODE,
        },
    )
    return branch


def default_branch() -> Branch:
    """Return the first active branch: where work done outside a request (commands, scripts) belongs."""
    found = _DEFAULT.run_models(Branch)
    return found[0] if found else first_branch()


def active_branches():
    return Branch.objects.filter(is_active=True).order_by("code")


def branch_by_code(code: str | None) -> Branch | None:
    """Return the branch a report filter names (None for none); an unknown code is refused (400)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    branch = Branch.objects.filter(code=code).first()
    if branch is None:
        raise UnknownBranch(f"Unknown branch {code!r}.", errors={"branch": [f"No branch has the code {code!r}."]})
    return branch


def is_chain_wide(user) -> bool:
    """Tell whether the user may work at every branch (superusers, and whoever holds the permission)."""
    return bool(user and user.is_authenticated and user.has_perm(CHAIN_WIDE))


def _member(user_id):
    return Exists(BranchMembership.objects.filter(user_id=user_id, branch_id=OuterRef("pk")))


_FIELDS = tuple(field.attname for field in Branch._meta.concrete_fields)


def _chosen(lookup: str) -> CompiledQuery:
    """The branch by `lookup`, whether `user_id` works there, and whether other branches are active."""

    def build(value, user_id):
        others = Exists(Branch.objects.filter(is_active=True).exclude(pk=OuterRef("pk")))
        return (
            Branch.objects.filter(**{lookup: value})
            .annotate(is_member=_member(user_id), has_others=others)
            .order_by()
            .values(*_FIELDS, "is_member", "has_others")[:1]
        )

    return CompiledQuery(build)


# Asked on every API call and page: compiled once per connection (core.compiled).
_BY_CODE, _BY_ID = _chosen("code"), _chosen("pk")
_CANDIDATES = CompiledQuery(
    lambda user_id: Branch.objects.filter(is_active=True)
    .annotate(is_member=_member(user_id))
    .order_by("-is_member", "pk")
    .values(*_FIELDS, "is_member")[:2]
)


_DEFAULT = CompiledQuery(lambda: Branch.objects.filter(is_active=True).order_by("pk").values(*_FIELDS)[:1])


def _branch(row: dict) -> Branch:
    branch = Branch.from_db(Branch.objects.db, _FIELDS, [row[name] for name in _FIELDS])
    branch.is_member = bool(row["is_member"])
    if "has_others" in row:
        branch.has_others = bool(row["has_others"])
    return branch


def branch_for(user, *, code: str | None = None, branch_id: int | None = None) -> Branch:
    """Return the branch `user` works at now, in one query.

    With a code (X-Branch) or an id (the page's choice): that branch, if the user works
    there, is chain-wide, or it is the only active branch (403 otherwise, 400 if unknown).
    With neither: the shop's only active branch, or the user's only branch.
    """
    user_id = user.pk or 0
    if code or branch_id:
        rows = (
            _BY_CODE.run(value=code.strip().upper(), user_id=user_id)
            if code
            else _BY_ID.run(value=int(branch_id), user_id=user_id)
        )
        branch = _branch(rows[0]) if rows else None
        if branch is None or not branch.is_active:
            label = code or branch_id
            raise UnknownBranch(f"Unknown branch {label!r}.", errors={"branch": [f"No active branch {label!r}."]})
        if branch.is_member or not branch.has_others or is_chain_wide(user):
            branch.in_chain = branch.has_others
            return branch
        raise BranchRefused(f"You do not work at {branch.name} ({branch.code}).")
    candidates = [_branch(row) for row in _CANDIDATES.run(user_id=user_id)]
    if not candidates:
        branch = first_branch()
        branch.in_chain = False
        return branch
    if len(candidates) == 1 or (candidates[0].is_member and not candidates[1].is_member):
        candidates[0].in_chain = len(candidates) > 1
        return candidates[0]
    if candidates[0].is_member or is_chain_wide(user):
        raise BranchNotChosen("You work at several branches: choose one (X-Branch: CODE).")
    raise BranchRefused("You do not work at any branch: ask a manager to add you to one.")


def request_branch(request) -> Branch:
    """Return the branch of this request (X-Branch, the session's choice, or the only one), cached on it."""
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    code = request.META.get(HEADER, "").strip()
    session = getattr(request, "session", None)
    branch_id = None if code or session is None else session.get(SESSION_KEY)
    branch = branch_for(request.user, code=code or None, branch_id=branch_id)
    setattr(request, _CACHE, branch)
    return branch


def page_branch(request) -> Branch | None:
    """Return the branch of a page's request, or None when the user has not picked one yet (or may not)."""
    if not request.user.is_authenticated:
        return None
    try:
        return request_branch(request)
    except DomainError:
        return None


def user_branches(user) -> list[Branch]:
    """Return the active branches the user may pick (all of them for a chain-wide user)."""
    branches = active_branches()
    if is_chain_wide(user) or branches.count() <= 1:
        return list(branches)
    return list(branches.filter(memberships__user=user))


# --- reads bound to a branch ---------------------------------------------------------------


def works_at_condition(user, *, branch_field: str = "branch"):
    """Return a filter condition: the row's branch (`branch_field`) is one `user` works at; None: every branch.

    The same rule as `branch_for` gives writes: a branch the user is a member of, or the only
    active branch (a single shop: everybody works at it); a chain-wide user (superusers, and
    whoever holds work_at_every_branch) works at every branch, so nothing is filtered. Both
    parts are subqueries of the caller's own statement: binding a read adds no query.
    """
    if is_chain_wide(user):
        return None
    branch = OuterRef(branch_field)
    member = Exists(BranchMembership.objects.filter(user_id=user.pk or 0, branch_id=branch))
    others = Exists(Branch.objects.filter(is_active=True).exclude(pk=branch))
    return member | ~others


def documents_readable_by(queryset, user, *, issued_by: str | None = None, branch_field: str = "branch"):
    """Narrow `queryset` (invoices, receipts) to the documents `user` may read; the rest answer 404.

    A document is read where it was issued: at a branch the user works at (`works_at_condition`).
    With `issued_by` (the user field of a list of takings: invoices), a user who may not view
    reports reads only their own, as in the day close. Receipts leave it out: whoever works at the
    counter reprints a customer's receipt or credit note, whoever issued it. Callers `get` from the
    result, so another branch's id is "not found" (404), never 403: ids cannot be probed.
    """
    condition = works_at_condition(user, branch_field=branch_field)
    if condition is not None:
        queryset = queryset.filter(condition)
    if issued_by is not None and not user_may(user, "view_reports"):
        queryset = queryset.filter(**{issued_by: user.pk or 0})
    return queryset
