"""Template context shared by every page."""
from django.conf import settings


def spa(request):
    """Expose the spa's own details and the user's role to templates."""
    user = getattr(request, "user", None)
    groups = set(user.groups.values_list("name", flat=True)) if user and user.is_authenticated else set()
    return {
        "spa_name": settings.SPA_NAME,
        "is_manager": bool(user and (user.is_superuser or "Manager" in groups)),
        "is_cashier": bool(user and (user.is_superuser or groups & {"Manager", "Cashier"})),
    }
