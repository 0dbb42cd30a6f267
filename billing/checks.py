"""System checks on billing settings: invoice numbers must fit GST rule 46."""
import re
from datetime import date

from django.conf import settings
from django.core.checks import Tags, Warning, register

GST_MAX_LENGTH = 16
ALLOWED = re.compile(r"^[A-Za-z0-9/-]+$")
# The widest day and sequence a pattern prints within a year of numbering.
WIDEST_DAY = date(2099, 12, 31)
WIDEST_SEQ = 9999
# The widest branch code (2 to 6 letters or digits).
WIDEST_BRANCH = "WWWWWW"


def sample_invoice_number(pattern: str) -> str:
    return pattern.format(date=WIDEST_DAY, seq=WIDEST_SEQ, branch=WIDEST_BRANCH)


@register(Tags.compatibility)
def check_invoice_number_format(app_configs=None, **kwargs):
    """Warn when INVOICE_NUMBER_FORMAT can exceed 16 characters or uses other characters than GST allows."""
    pattern = getattr(settings, "INVOICE_NUMBER_FORMAT", "")
    try:
        sample = sample_invoice_number(pattern)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return [
            Warning(
                f"INVOICE_NUMBER_FORMAT {pattern!r} cannot be rendered: {exc!r}.",
                hint="Use {date:...}, {seq:...} and {branch}, e.g. INV/{date:%y%m%d}/{seq:04d}.",
                id="billing.W001",
            )
        ]
    problems = []
    if len(sample) > GST_MAX_LENGTH:
        problems.append(f"it renders {len(sample)} characters ({sample!r}), GST allows at most {GST_MAX_LENGTH}")
    if not ALLOWED.match(sample):
        problems.append(f"{sample!r} holds characters other than letters, digits, '-' and '/'")
    if not problems:
        return []
    return [
        Warning(
            f"INVOICE_NUMBER_FORMAT {pattern!r} does not fit a GST tax invoice (CGST rule 46): {'; '.join(problems)}.",
            hint="Set INVOICE_NUMBER_FORMAT to a shorter pattern, e.g. INV{date:%y%m%d}-{seq:04d} (15 characters), "
            "or {branch}{date:%y%m%d}{seq:04d} for a chain (16 with a 6-letter code).",
            id="billing.W001",
        )
    ]
