"""Model fields shared by the apps."""
from djmoney.models.fields import CurrencyField, MoneyField
from djmoney.utils import get_currency_field_name


class ColumnMoneyField(MoneyField):
    """A MoneyField whose currency column follows its `db_column`.

    django-money names the currency column after the Python attribute
    (`credit_remaining_currency`) whatever `db_column` says, which would pair a
    `remaining_credit` column with `credit_remaining_currency`. Here the pair is
    `remaining_credit` / `remaining_credit_currency`; the Python names do not change.
    """

    def add_currency_field(self, cls, name):
        if not self.db_column:
            return super().add_currency_field(cls, name)
        currency_field = CurrencyField(
            price_field=self,
            max_length=self.currency_max_length,
            default=self.default_currency,
            editable=False,
            choices=self.currency_choices,
            null=self.null,
            db_column=f"{self.db_column}_currency",
        )
        currency_field.creation_counter = self.creation_counter - 1
        cls.add_to_class(get_currency_field_name(name, self), currency_field)
        self._currency_field = currency_field
        return None


def money_field(verbose_name=None, **kwargs):
    """Return a rupee MoneyField (12 digits, 2 places); with `db_column`, its currency column follows it."""
    field_class = ColumnMoneyField if "db_column" in kwargs else MoneyField
    return field_class(verbose_name, max_digits=12, decimal_places=2, default_currency="INR", **kwargs)
