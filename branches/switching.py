"""What a change of branch carries along, so the branch page can ask before it switches.

Work kept in the session moves with the user to the branch chosen: the counter's bill in
progress (billing's) is billed at the new branch. Branches sits below billing and cannot look
at its cart, so an app above registers a function here in its `ready()`; each says in a
sentence what would move, or None. The branch page shows those sentences and switches only
once the user confirms.
"""
from collections.abc import Callable

from django.http import HttpRequest

_CARRIED: list[Callable[[HttpRequest], str | None]] = []


def register(check: Callable[[HttpRequest], str | None]) -> None:
    """Add `check(request)` to what the branch page asks about (once, however often it is called)."""
    if check not in _CARRIED:
        _CARRIED.append(check)


def carried_along(request: HttpRequest) -> list[str]:
    """Return what a switch of branch would take along, one sentence per app that has something."""
    return [text for check in _CARRIED if (text := check(request))]
