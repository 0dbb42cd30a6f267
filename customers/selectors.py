"""Reads on customers: the search the API, the pages and the admin share."""
from django.db.models import Q

from core.phones import phone_digits

MIN_PHONE_SEARCH_DIGITS = 3


def customer_search(term: str) -> Q:
    """Return the condition "name or phone contains `term`", the phone in any spelling or script.

    Phones are stored as +91XXXXXXXXXX in ASCII digits, so "98450 12345" and "٩٨٤٥٠١٢٣٤٥"
    search for the digits 9845012345.
    """
    term = (term or "").strip()
    if "\x00" in term:
        # No stored text holds a NUL (PostgreSQL refuses it, even in a query): nothing matches.
        return Q(pk__in=[])
    condition = Q(name__icontains=term)
    digits = phone_digits(term)
    if len(digits) >= MIN_PHONE_SEARCH_DIGITS:
        condition |= Q(phone__contains=digits)
    return condition
