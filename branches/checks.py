"""System check: with more than one active branch, every number format must print the branch.

Numbers must be unique per GSTIN, and each branch counts its own series: two branches would
both issue 26-27/00001 unless the format carries `{branch}` (the defaults do).
"""
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

# Every document series and the setting holding its format (billing.numbering numbers them).
NUMBER_FORMAT_SETTINGS = (
    "INVOICE_NUMBER_FORMAT", "RECEIPT_NUMBER_FORMAT", "CREDIT_NOTE_NUMBER_FORMAT", "REFUND_VOUCHER_NUMBER_FORMAT",
)


def active_branch_count(databases) -> int:
    from .models import Branch

    if not databases or "default" not in databases:
        return 0
    try:
        return Branch.objects.filter(is_active=True).count()
    except DatabaseError:  # not migrated yet: nothing to check
        return 0


# A database check: `migrate` and `check --database default` run it (a deploy runs both).
@register(Tags.database)
def check_number_formats_name_the_branch(app_configs=None, databases=None, **kwargs):
    """Refuse number formats without {branch} once the chain has more than one active branch."""
    count = active_branch_count(databases)
    if count <= 1:
        return []
    return [
        Error(
            f"{name} {getattr(settings, name)!r} has no {{branch}}, but {count} branches are active: "
            "their numbers would collide.",
            hint="Put {branch} in the format, as the default does: INVOICE_NUMBER_FORMAT={branch}/{fy}/{seq:05d}.",
            id="branches.E001",
        )
        for name in NUMBER_FORMAT_SETTINGS
        if "{branch" not in getattr(settings, name, "")
    ]
