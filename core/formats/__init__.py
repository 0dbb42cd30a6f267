"""India's formats, in one place (docs/manual.md "Indian formats").

`en_IN/formats.py` is the format module Django reads for LANGUAGE_CODE "en-in"
(FORMAT_MODULE_PATH): the admin, `{{ day|date }}` and form inputs all follow it.
Python code that writes a date into text (notes, reminders, CSVs) uses the helpers below,
so every date reads "23 May 2027" and every time of day "23 May 2027, 1:10 PM".
"""
from datetime import date, datetime

from django.utils import dateformat, timezone
from django.utils.formats import get_format


def format_date(value: date | datetime | None) -> str:
    """Write a day the Indian way: 23 May 2027 (a datetime is read in the spa's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return dateformat.format(value, get_format("DATE_FORMAT"))


def format_datetime(value: datetime | None) -> str:
    """Write a moment the Indian way, in the spa's time zone: 23 May 2027, 1:10 PM."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, get_format("DATETIME_FORMAT"))


def format_input_date(value: date | None) -> str:
    """Write a day as a date input reads it: 23-05-2027."""
    return value.strftime(get_format("DATE_INPUT_FORMATS")[0]) if value else ""
