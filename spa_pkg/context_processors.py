"""Template context shared by every page."""
from django.conf import settings

from spa_pkg.permissions import Can


def spa(request):
    """Expose the spa's own details and `can`: `{% if can.bill %}` asks the user's permissions (cached per request)."""
    user = getattr(request, "user", None)
    return {"spa_name": settings.SPA_NAME, "can": Can(user)}
