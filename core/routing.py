"""URL helpers: every contract path answers with and without a trailing slash, directly."""
import re

from django.urls import re_path

# A database id in a path: at most 18 digits, so every id a route passes on fits the 64-bit keys
# (2**63 - 1 has 19); a longer one is no route, and the caller gets the usual 404.
ID = r"\d{1,18}"


def both(route: str, view, name: str | None = None):
    """Return one pattern that matches `route` with or without a trailing slash.

    `route` is a regex body without anchors or slash, e.g. r"integrated-billing/preview"
    or r"receipts/(?P<pk>\\d+)". The name reverses to the form without the slash.
    """
    return re_path(rf"^{route}/?$", view, name=name)


# Paths that answer JSON whatever happens: the API, the billing endpoints (not the billing
# page itself, /integrated-billing with or without its slash) and the assign-and-pay API.
API_PATH = re.compile(r"^/(?:api/|packages/api/|integrated-billing/.)")


def is_api_path(path: str) -> bool:
    """Tell whether `path` belongs to the JSON API, whose every answer is JSON."""
    return API_PATH.match(path) is not None
