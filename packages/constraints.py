"""A database check that `full_clean()` reports on the field a person has to fix."""
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class FieldCheckConstraint(models.CheckConstraint):
    """A `CheckConstraint` whose violation is an error on `field`, in its `violation_error_message`.

    Django's `full_clean()` validates every constraint (`validate_constraints`) but puts a
    check's message above the form; a manager reads it best next to the figure to change.
    The rule itself is written once, here in the database, and never again in `clean()`.
    """

    def __init__(self, *, field: str, **kwargs):
        super().__init__(**kwargs)
        self.field = field

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as exc:
            raise ValidationError({self.field: exc.error_list}) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field

    __hash__ = models.CheckConstraint.__hash__
