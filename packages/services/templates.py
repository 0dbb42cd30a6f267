"""Take a template off the shelf: the one rule the admin and the API share.

A template never sold is deleted: nothing points at it. A template sold at least once is
only withdrawn from sale (`is_active = False`): its assignments keep referring to it for
their terms, their history and their documents (docs/design.md).
"""
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from ..models import PackageAssignment, PackageTemplate


def templates_sold(model: type[PackageTemplate], ids: Iterable[int]) -> set[int]:
    """Return which of these templates (of one kind) have been sold at least once."""
    content_type = ContentType.objects.get_for_model(model)
    sold = PackageAssignment.objects.filter(template_type=content_type, template_id__in=list(ids))
    return set(sold.values_list("template_id", flat=True).distinct())


def template_remove(template: PackageTemplate) -> bool:
    """Delete `template` if it was never sold, else withdraw it from sale; return whether it was deleted."""
    with transaction.atomic():
        if template.pk not in templates_sold(type(template), [template.pk]):
            template.delete()
            return True
        if template.is_active:
            template.is_active = False
            template.save(update_fields=["is_active", "updated_at"])
        return False
