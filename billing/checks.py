"""System checks on the document number formats: every number must fit GST (docs/gst.md "Document numbers").

CGST rules 46, 50, 51 and 53 allow at most 16 letters, digits, '-' and '/', unique in a
financial year. A format that can break that is refused when the app starts (runserver,
migrate and `manage.py check` stop on it), with one line saying which format and branch.
"""
import re
from datetime import date

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .numbering import SERIES_FORMATS, render_number

GST_MAX_LENGTH = 16
ALLOWED = re.compile(r"^[A-Za-z0-9/-]+$")
# The widest day a pattern prints ({date:%B} is widest in September), and the busiest year a
# branch plans for: the counter runs all year, so padding to 4 digits does not stop at 9,999.
WIDEST_DAY = date(2099, 9, 30)
WIDEST_SEQ = 99_999


def branch_codes() -> list[str]:
    """The codes of the active branches, longest first; before `migrate`, the code the first branch will get.

    A branch code is part of every number, so the length check must know them; this one
    query is the only database access of the check, and a database not ready yet is no error.
    """
    from branches.models import Branch

    try:
        codes = list(Branch.objects.filter(is_active=True).values_list("code", flat=True))
    except DatabaseError:
        codes = []
    return sorted(codes or [settings.SPA_BRANCH_CODE.upper()], key=lambda code: (-len(code), code))


def format_problem(name: str, pattern: str, codes: list[str]) -> str | None:
    """What is wrong with one format, in one line; None when every branch's numbers fit GST."""
    try:
        widest = {code: render_number(pattern, day=WIDEST_DAY, seq=WIDEST_SEQ, branch=code) for code in codes}
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return f"{name} {pattern!r} cannot be rendered ({exc!r}): use {{branch}}, {{fy}}, {{seq:05d}} and {{date:...}}."
    too_long = [code for code, number in widest.items() if len(number) > GST_MAX_LENGTH]
    if too_long:
        sample = widest[too_long[0]]
        return (
            f"{name} {pattern!r} makes numbers of {len(sample)} characters ({sample!r}) at "
            f"{'branches' if len(too_long) > 1 else 'branch'} {', '.join(too_long)}, and GST allows {GST_MAX_LENGTH}: "
            "shorten the format or the branch code."
        )
    sample = widest[codes[0]]
    if not ALLOWED.match(sample):
        return f"{name} {pattern!r} makes {sample!r}: GST allows only letters, digits, '-' and '/'."
    if sample == render_number(pattern, day=WIDEST_DAY.replace(year=WIDEST_DAY.year - 1), seq=WIDEST_SEQ, branch=codes[0]):
        return f"{name} {pattern!r} repeats its numbers every financial year: put {{fy}} (or {{date}}) in it."
    return None


@register(Tags.compatibility)
def check_number_formats_fit_gst(app_configs=None, **kwargs):
    """Refuse a number format that can exceed 16 characters, print other characters, or repeat a number."""
    codes = branch_codes()
    problems = ((name, format_problem(name, getattr(settings, name, ""), codes)) for name in SERIES_FORMATS.values())
    return [
        Error(
            problem,
            hint="The defaults fit a branch code of up to 4 characters, e.g. KOR/26-27/00123 (docs/gst.md).",
            id="billing.E001",
        )
        for name, problem in problems
        if problem
    ]
