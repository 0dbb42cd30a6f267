"""URL helpers: every contract path answers with and without a trailing slash, directly."""
from django.urls import re_path


def both(route: str, view, name: str | None = None):
    """Return one pattern that matches `route` with or without a trailing slash.

    `route` is a regex body without anchors or slash, e.g. r"integrated-billing/preview"
    or r"receipts/(?P<pk>\\d+)". The name reverses to the form without the slash.
    """
    return re_path(rf"^{route}/?$", view, name=name)
