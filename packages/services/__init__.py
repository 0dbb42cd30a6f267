"""Writes on packages. Import from here: `from packages.services import assignment_create`."""
from .assign import assignment_create, tracker_rows_for

__all__ = ["assignment_create", "tracker_rows_for"]
