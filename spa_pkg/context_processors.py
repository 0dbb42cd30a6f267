"""Template context shared by every page."""
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from branches.selectors import page_branch
from core.permissions import Can, may_use_admin


def spa(request):
    """Expose the spa's own details, `can` (`{% if can.bill %}`, cached per request), whether the
    admin opens to the user (`admin_open`) and the branch worked at.

    `current_branch` is read only when the top bar shows it (one query, shared with the view).
    """
    user = getattr(request, "user", None)
    return {
        "spa_name": settings.SPA_NAME,
        "can": Can(user),
        "admin_open": SimpleLazyObject(lambda: may_use_admin(user)),
        "current_branch": SimpleLazyObject(lambda: page_branch(request)),
    }
