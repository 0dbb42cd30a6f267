"""Package templates (six kinds), assignments, benefit trackers and the usage ledger.

Balances live on `PackageAssignment` (and are mirrored per service on
`PackageBenefitTracker` for the billing lookup). They change only through
`packages.services`, always together with a `PackageUsage` ledger row.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast, Round
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from djmoney.money import Money

from branches.models import Branch, default_branch_id
from catalog.models import Service
from core.fields import money_field
from core.formats import format_date
from customers.models import Customer

from .constraints import FieldCheckConstraint
from .kinds import all_kinds, kind_choices, kind_for


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Return numerator / denominator as a percentage with two places, half-up.

    The in-memory twin of `percent_sql`, which the database stores: forms preview with it and
    `clean()` checks the figure fits its column before the database is asked to store it.
    """
    if not denominator:
        return Decimal("0.00")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def paise(expression) -> models.Func:
    """An amount of rupees as whole paise, an exact integer on PostgreSQL and SQLite alike."""
    return Cast(Round(models.ExpressionWrapper(expression * 100, output_field=models.DecimalField())), models.BigIntegerField())


def percent_sql(gain, base) -> models.Expression:
    """`percent(gain, base)` as a database expression, for whole numbers `gain` >= 0 (paise, sessions).

    The half-up rounding is integer arithmetic, floor((20,000 x gain + base) / 2 base) hundredths
    of a percent, then x 0.01: no float division and no banker's rounding on either database.
    """
    hundredths = (gain * 20000 + base) / (base * 2)
    return models.Case(
        models.When(GreaterThan(base, 0), then=hundredths * models.Value(Decimal("0.01"))),
        default=models.Value(Decimal("0.00")),
        output_field=models.DecimalField(max_digits=6, decimal_places=2),
    )


def computed(expression, output_field) -> models.GeneratedField:
    """A template figure the database works out from the template's inputs and stores (docs/design.md)."""
    return models.GeneratedField(expression=expression, output_field=output_field, db_persist=True)


def benefit_percent_field(value: str, price: str) -> models.GeneratedField:
    """The benefit of a credit template: (value - price) / price, in percent."""
    return computed(
        percent_sql(paise(models.F(value) - models.F(price)), paise(models.F(price))),
        models.DecimalField(max_digits=6, decimal_places=2),
    )


# How long a template's validity may be: model, admin, API and pages all use these. A validity
# is given in months or in days (the seed's "Validity: 60 days"); either way at most 50 years.
MIN_VALIDITY_MONTHS = 1
MAX_VALIDITY_MONTHS = 600
VALIDITY_DAYS_MAX = 18262  # 50 x 365.25 days
# How far ahead an assignment may expire (today + 50 years): far enough for any real
# package, and far enough from date.max that pausing and extending cannot overflow.
MAX_EXPIRY_YEARS = 50


VALIDITY_TOO_SHORT = f"Validity must be at least {MIN_VALIDITY_MONTHS} month."
VALIDITY_TOO_LONG = f"Validity can be at most {MAX_VALIDITY_MONTHS} months."
VALIDITY_DAYS_RANGE = f"Validity in days must be from 1 to {VALIDITY_DAYS_MAX:,}."
PRICE_POSITIVE = "The price must be more than zero."
DISCOUNT_RANGE = "The discount must be more than 0 and at most 100 percent."
DISCOUNT_VALIDATORS = [MinValueValidator(Decimal("0.01"), DISCOUNT_RANGE), MaxValueValidator(Decimal("100"), DISCOUNT_RANGE)]


def check(field: str, condition: models.Q, name: str, message: str) -> FieldCheckConstraint:
    """A database check that full_clean() reports on `field` in the manager's words."""
    return FieldCheckConstraint(field=field, condition=condition, name=name, violation_error_message=message)


def validity_months_field(default: int):
    return models.PositiveIntegerField(
        default=default,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(MIN_VALIDITY_MONTHS, VALIDITY_TOO_SHORT),
            MaxValueValidator(MAX_VALIDITY_MONTHS, VALIDITY_TOO_LONG),
        ],
        help_text=f"From {MIN_VALIDITY_MONTHS} to {MAX_VALIDITY_MONTHS} months; leave empty to give it in days.",
    )


def validity_days_field():
    return models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, VALIDITY_DAYS_RANGE), MaxValueValidator(VALIDITY_DAYS_MAX, VALIDITY_DAYS_RANGE)],
        help_text=f"Validity in days (1 to {VALIDITY_DAYS_MAX:,}), instead of months.",
    )


def validity_constraints(prefix: str) -> list[models.BaseConstraint]:
    """A validity is in months or in days, never both or neither; each within its bounds."""
    months, days = models.Q(validity_months__isnull=False), models.Q(validity_days__isnull=False)
    return [
        check("validity_months", models.Q(validity_months__gte=MIN_VALIDITY_MONTHS), f"{prefix}_validity_positive", VALIDITY_TOO_SHORT),
        check(
            "validity_months", models.Q(validity_months__lte=MAX_VALIDITY_MONTHS), f"{prefix}_validity_within_max", VALIDITY_TOO_LONG
        ),
        check(
            "validity_days",
            models.Q(validity_days__gte=1, validity_days__lte=VALIDITY_DAYS_MAX),
            f"{prefix}_validity_days_range",
            VALIDITY_DAYS_RANGE,
        ),
        check("validity_days", ~(months & days), f"{prefix}_validity_not_both", "Give the validity in months or in days, not both."),
        check("validity_months", months | days, f"{prefix}_validity_given", "Give the validity in months or in days."),
    ]


class PackageTemplate(models.Model):
    """What every kind of template shares."""

    package_type: str = ""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The branches where it may be used; none listed: every branch (packages are chain-wide).
    branch_links = GenericRelation(
        "packages.TemplateBranch", content_type_field="template_type", object_id_field="template_id"
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The database works the computed figures out (GeneratedField) and an insert returns them;
        # an update does not, so the instance is given the same figures rather than read again.
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            self.compute()

    @property
    def kind(self):
        """Return this template's kind (`packages.kinds`), which owns everything kind-specific."""
        return kind_for(self.package_type)

    def compute(self) -> None:
        """Fill in the computed fields (free sessions, benefit %) in memory, as the database will store them."""
        self.kind.compute(self)

    def default_expiry(self, start: date) -> date | None:
        """Return the expiry an assignment made on `start` gets by default (the kind's validity)."""
        return self.kind.default_expiry(self, start)

    @property
    def validity_text(self) -> str:
        """Say the validity as a person would: "12 months", "60 days", "1 month"."""
        months, days = getattr(self, "validity_months", None), getattr(self, "validity_days", None)
        if months:
            return f"{months} month{'s' if months != 1 else ''}"
        if days:
            return f"{days} day{'s' if days != 1 else ''}"
        return ""

    def clean(self):
        """Check what no database constraint can say (the kind's own rules), then the computed figures.

        Every CheckConstraint below is validated by `full_clean()` itself, with its message
        on its field (`FieldCheckConstraint`), so none is restated here.
        """
        kind = self.kind
        errors = kind.clean(self)
        if errors:
            raise ValidationError(errors)
        if kind.computed_fields:
            self.compute()
            self.validate_computed(blame=kind.compute_inputs[-1])

    def list_price(self, service: Service | None = None) -> Money:
        """Return what the customer pays by default for this template."""
        return self.kind.list_price(self, service)

    def validate_computed(self, *, blame: str):
        """Refuse figures whose computed fields do not fit their columns (e.g. pay for 1, get 9,999).

        The error goes on `blame`, the input field that makes the figure, since forms
        have no field for a computed one.
        """
        for field in self._meta.concrete_fields:
            if field.editable or field.name in ("id", "created_at", "updated_at"):
                continue
            try:
                # The field's own type first: a default of 0 is an int, and DecimalValidator
                # wants a Decimal. Nothing computed yet (an input was refused) is nothing to check.
                checked = field.output_field if field.generated else field
                value = checked.to_python(self.__dict__.get(field.attname))  # unsaved and not computed: none
                if value is None:
                    continue
                checked.run_validators(value)
            except ValidationError:
                message = f"These figures make the {field.verbose_name} too large; check them."
                raise ValidationError({blame: message}) from None


def latest_expiry(today: date | None = None) -> date:
    """Return the last day a package may expire on: MAX_EXPIRY_YEARS from today."""
    return (today or timezone.localdate()) + relativedelta(years=MAX_EXPIRY_YEARS)


def validate_expiry_horizon(value: date | None) -> None:
    """Refuse an expiry more than MAX_EXPIRY_YEARS ahead."""
    latest = latest_expiry()
    if value is not None and value > latest:
        raise ValidationError(
            f"The expiry can be at most {MAX_EXPIRY_YEARS} years ahead: {format_date(latest)} at the latest.",
            code="expiry_too_far",
        )


class TemplateBranch(models.Model):
    """A branch where packages of a template may be used; a template without any is valid at every branch.

    One table for every kind (like the assignment's template), so billing reads a package's
    branches with one subquery whatever its kind.
    """

    template_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    template_id = models.PositiveBigIntegerField()
    template = GenericForeignKey("template_type", "template_id")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "valid at branch"
        verbose_name_plural = "valid at branches (none: every branch)"
        constraints = [
            models.UniqueConstraint(
                fields=["template_type", "template_id", "branch"], name="template_branch_unique"
            )
        ]

    def __str__(self):
        return f"{self.template} at {self.branch.code}"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    PAUSED = "paused", "Paused"
    # After the sale (docs/journal.md): nothing left on the first holder, the value went back or on.
    REFUNDED = "refunded", "Refunded"
    TRANSFERRED = "transferred", "Transferred"
    CANCELLED = "cancelled", "Cancelled (sale voided)"


class PackageAssignment(models.Model):
    """A template sold to a customer: every kind, one table (`service_package_assignment`).

    Columns carry the seed's names (`package_reference_id`, `remaining_credit`, `used_credit`)
    so its troubleshooting queries run as written; the Python names stay ours.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="assignments")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, default=default_branch_id, related_name="assignments_sold", help_text="Where it was sold."
    )
    # Any registered kind (`packages.kinds`): the six of PackageType, or one another app adds.
    package_type = models.CharField(max_length=20, choices=kind_choices, db_index=True)
    template_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    template_id = models.PositiveBigIntegerField(db_column="package_reference_id")
    template = GenericForeignKey("template_type", "template_id")
    package_name = models.CharField(max_length=160, help_text="The template's name when sold.")
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="package_assignments",
        help_text="The service a service package covers.",
    )
    total_sessions = models.PositiveIntegerField(default=0)
    used_sessions = models.PositiveIntegerField(default=0)
    remaining_sessions = models.PositiveIntegerField(default=0)
    credit_amount = money_field("credit total", default=Money(0, "INR"))
    credit_used = money_field(default=Money(0, "INR"), db_column="used_credit")
    credit_remaining = money_field(default=Money(0, "INR"), db_column="remaining_credit")
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE, db_index=True
    )
    assigned_on = models.DateField(default=date.today)
    expires_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    price_paid = money_field(
        default=Money(0, "INR"), help_text="What the customer paid for the package, GST included when it was taxed."
    )
    sale_value = money_field(
        default=Money(0, "INR"),
        help_text="The price paid less the GST charged at sale (the taxable value); for untaxed credit, the price paid.",
    )
    discount = money_field(default=Money(0, "INR"))
    # The sum of its journal rows' `value_delta` (docs/journal.md), kept by the one writer in the
    # same statement as the balances so a redemption never has to add the rows up.
    value_held = money_field(
        default=Money(0, "INR"), editable=False, help_text="The value it holds by its journal, GST excluded."
    )
    # Who sold it at another price than the list price, and what (billing.services.pricing):
    # "Price set to ₹1,200.00 by manager (list ₹3,600.00 + GST)". Empty: sold at the list price.
    price_note = models.TextField(blank=True, editable=False)
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals",
        help_text="The package this one renews: its period starts the day after that one ends.",
    )
    transferred_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transfers",
        help_text="The package whose balance moved here from another customer.",
    )
    closed_on = models.DateField(
        null=True, blank=True, help_text="The day the package was refunded, transferred or its sale voided."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    # The key of the sale form that sold it (billing.services.assignment_sell): a second press of the
    # same form, or a retried request, answers this sale instead of selling again.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    # The earlier system's own reference of a package brought in with `import_packages`
    # (packages.importing): a second run of the same file finds it and brings in nothing twice.
    import_reference = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False,
        help_text="The earlier system's reference of a package brought in from it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "service_package_assignment"
        ordering = ["expires_on", "pk"]
        # What a manager does to a package after the sale (core.permissions names who may).
        permissions = [
            ("pause_assignment", "Can pause and resume a package"),
            ("refund_assignment", "Can refund a package"),
            ("transfer_assignment", "Can transfer a package to another customer"),
            ("extend_assignment", "Can extend a package's expiry"),
            ("adjust_balance", "Can correct a package's balance"),
            ("top_up_assignment", "Can top up a package's credit"),
            ("override_package_price", "Can sell a package at another price than its list price"),
            # Templates of every kind, one codename whatever the kind (core.permissions): a kind
            # added later is covered by the roles that hold these, with nothing to grant.
            ("view_template", "Can see package templates of every kind"),
            ("change_template", "Can add, change and take off sale package templates of every kind"),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "expires_on"], name="assignment_billing_lookup"),
            models.Index(fields=["template_type", "template_id"], name="assignment_template"),
            # The packages still holding value, by expiry: the expiring list, the forecast.
            models.Index(
                fields=["expires_on"],
                name="assignment_holding_expiry",
                condition=models.Q(status__in=["active", "paused"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_sessions__lte=models.F("total_sessions")), name="assignment_sessions_not_overused"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    remaining_sessions=models.F("total_sessions") - models.F("used_sessions")
                ),
                name="assignment_sessions_add_up",
            ),
            models.CheckConstraint(condition=models.Q(credit_remaining__gte=0), name="assignment_credit_not_negative"),
            models.CheckConstraint(condition=models.Q(credit_used__gte=0), name="assignment_credit_used_not_negative"),
            models.CheckConstraint(
                condition=models.Q(credit_remaining=models.F("credit_amount") - models.F("credit_used")),
                name="assignment_credit_adds_up",
            ),
            models.CheckConstraint(condition=models.Q(price_paid__gte=0), name="assignment_price_not_negative"),
            models.CheckConstraint(condition=models.Q(sale_value__gte=0), name="assignment_sale_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.package_name} – {self.customer.name}"

    @property
    def kind(self):
        """Return the assignment's kind (`packages.kinds`)."""
        return kind_for(self.package_type)

    @property
    def is_credit(self) -> bool:
        return self.kind.is_credit

    @property
    def has_sessions(self) -> bool:
        return self.kind.has_sessions

    def clean_fields(self, exclude=None):
        # The expiry horizon moves with today: checked here, like a field validator (skipped when
        # the field is excluded, as the admin's notes-only form does), without freezing a
        # validator into the migrations.
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "expires_on" not in (exclude or ()) and "expires_on" not in errors:
            try:
                validate_expiry_horizon(self.expires_on)
            except ValidationError as exc:
                errors["expires_on"] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def is_expired_on(self, on_date: date) -> bool:
        return self.expires_on is not None and self.expires_on < on_date


class BenefitType(models.TextChoices):
    FREE = "free", "Free session"
    DISCOUNT = "discount", "Discount"
    PREPAID = "prepaid", "Prepaid credit"
    UNLIMITED = "unlimited", "Unlimited"


class PackageBenefitTracker(models.Model):
    """One benefit a customer can use (`package_benefit_tracker`), for the billing lookup.

    Columns carry the seed's names (`package_assignment_id`, `total_allocated`,
    `discount_percentage`, `valid_to`); the Python names stay ours. A credit tracker's
    balance always adds up: `balance_remaining = balance_total - balance_used`.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="benefit_trackers")
    assignment = models.ForeignKey(
        PackageAssignment, on_delete=models.CASCADE, related_name="trackers", db_column="package_assignment_id"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when the benefit applies to every service (credit, discounts).",
    )
    benefit_type = models.CharField(max_length=10, choices=BenefitType.choices)
    total_count = models.PositiveIntegerField(default=0, db_column="total_allocated")
    used_count = models.PositiveIntegerField(default=0)
    remaining_count = models.PositiveIntegerField(default=0)
    discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), db_column="discount_percentage"
    )
    balance_total = money_field(default=Money(0, "INR"))
    balance_used = money_field(default=Money(0, "INR"))
    balance_remaining = money_field(default=Money(0, "INR"))
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, db_column="valid_to")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "package_benefit_tracker"
        ordering = ["valid_until", "pk"]
        indexes = [
            models.Index(fields=["customer", "service", "is_active"], name="tracker_customer_service"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "service", "benefit_type"], name="tracker_unique_benefit"),
            models.CheckConstraint(
                condition=models.Q(remaining_count=models.F("total_count") - models.F("used_count")),
                name="tracker_counts_add_up",
            ),
            models.CheckConstraint(condition=models.Q(balance_remaining__gte=0), name="tracker_balance_not_negative"),
            models.CheckConstraint(condition=models.Q(balance_used__gte=0), name="tracker_balance_used_not_negative"),
            models.CheckConstraint(
                condition=models.Q(balance_remaining=models.F("balance_total") - models.F("balance_used")),
                name="tracker_balance_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.get_benefit_type_display()} – {self.assignment}"


class UsageKind(models.TextChoices):
    SALE = "sale", "Sold"
    REDEEM = "redeem", "Redeemed"
    REVERSAL = "reversal", "Given back (void)"
    ADJUSTMENT = "adjustment", "Adjustment"
    # After the sale: each writes a row (zero deltas where no balance moves) with who and why.
    REFUND = "refund", "Refunded"
    TRANSFER_OUT = "transfer_out", "Transferred out"
    TRANSFER_IN = "transfer_in", "Transferred in"
    EXTENSION = "extension", "Expiry extended"
    TOP_UP = "top_up", "Topped up"
    CANCEL = "cancel", "Sale voided"
    # The value journal (docs/journal.md): a time kind's value falling by the day, written
    # before another value event on it; and the expiry sweep's row.
    TIME_RELEASE = "time_release", "Used up by time"
    EXPIRY = "expiry", "Expired"
    # A package a customer already held when the spa went live (packages.importing).
    IMPORT = "import", "Brought in"
    # A time kind's line stops while it is paused and starts again on resume (docs/journal.md "Time kinds").
    PAUSE = "pause", "Paused"
    RESUME = "resume", "Resumed"


class JournalEvent(models.TextChoices):
    """What a journal row says happened to the value a package holds (docs/journal.md).

    A void's reversal keeps the event of the row it reverses (and points at it with
    `reverses`), with every delta negated: a voided sale nets out of "sold".
    """

    SALE = "sale", "Sale"
    RENEWAL = "renewal", "Renewal"
    TOP_UP = "top_up", "Top-up"
    IMPORT = "import", "Import"
    REDEMPTION = "redemption", "Redemption"
    REFUND = "refund", "Refund"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    EXPIRY = "expiry", "Expiry"
    ADJUSTMENT = "adjustment", "Adjustment"
    REINSTATEMENT = "reinstatement", "Reinstatement"
    # Pause, resume, an extension of expiry: a row for the history, no value moves.
    NOTE = "note", "No value moved"


class PackageUsage(models.Model):
    """An append-only ledger row: one change of one assignment's balance.

    `sessions_delta` and `credit_delta` are signed: a redemption is negative,
    a sale or a reversal positive. Invoices live in a higher app, so they are
    referenced by number and line id rather than a foreign key.
    """

    assignment = models.ForeignKey(PackageAssignment, on_delete=models.PROTECT, related_name="usages")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Where it happened (a session is used at any branch).",
    )
    kind = models.CharField(max_length=12, choices=UsageKind.choices)
    item_name = models.CharField(max_length=160, blank=True)
    quantity = models.PositiveIntegerField(default=0, help_text="Units of the item the package covered.")
    value = money_field(default=Money(0, "INR"), help_text="Rupees the package gave: sessions, discount or credit.")
    sessions_delta = models.IntegerField(default=0)
    sessions_before = models.PositiveIntegerField(default=0)
    sessions_after = models.PositiveIntegerField(default=0)
    credit_delta = money_field(default=Money(0, "INR"))
    credit_before = money_field(default=Money(0, "INR"))
    credit_after = money_field(default=Money(0, "INR"))
    invoice_number = models.CharField(max_length=40, blank=True, db_index=True)
    invoice_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The value journal (docs/journal.md): every row is also a dated movement of value held.
    event = models.CharField(max_length=14, choices=JournalEvent.choices, default=JournalEvent.NOTE)
    business_day = models.DateField(
        null=True, blank=True, help_text="The business day (the shop's time zone) the movement belongs to."
    )
    value_delta = money_field(
        default=Money(0, "INR"), help_text="Signed change in the value the package holds, GST excluded."
    )
    # Copied from the assignment so reports group rows without a join: a package belongs to
    # the branch that sold it, whichever branch the row happened at (`branch`).
    package_type = models.CharField(max_length=20, blank=True)
    home_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Where the package was sold."
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by",
        help_text="The row a void gives back.",
    )
    # What the package holds after the row, and what the row does to the liability report's
    # counts (docs/journal.md "The snapshot"): +1 when it starts holding value, -1 when it stops;
    # the sessions and credit it counts while it holds value (a closing row takes them back).
    value_after = money_field(default=Money(0, "INR"), help_text="The value the package holds after the row.")
    holders_delta = models.SmallIntegerField(default=0)
    sessions_held_delta = models.IntegerField(default=0)
    credit_held_delta = money_field(default=Money(0, "INR"))
    # A time kind's straight line in force after the row (docs/journal.md "Time kinds"): from
    # `value_after` on `line_from` down to nothing on `line_end` (none: it stays, paused or no expiry).
    # Null `line_from`: the row sets no line (a bill, another kind).
    line_from = models.DateField(null=True, blank=True)
    line_end = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "package_usage"
        ordering = ["created_at", "pk"]
        verbose_name = "usage (ledger row)"
        verbose_name_plural = "usage ledger"
        indexes = [
            models.Index(fields=["assignment", "business_day"], name="journal_assignment_day"),
            models.Index(fields=["business_day", "home_branch", "package_type", "event"], name="journal_day_branch_kind"),
            # The rows that set a time kind's line (its bills set none): the liability reads the last
            # one per package up to a day from these alone (reports.selectors._time_values).
            models.Index(
                fields=["assignment", "business_day", "id"],
                include=["value_after", "line_from", "line_end", "package_type", "home_branch"],
                condition=models.Q(line_from__isnull=False), name="journal_time_lines",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_name} ({self.invoice_number or '-'})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger rows are append-only; write a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger rows are append-only and cannot be deleted.")


class JournalDay(models.Model):
    """Folded sums of journal rows per (business day, selling branch, kind, event) (docs/journal.md "The daily summary").

    Written only by `journal_fold` (the `fold_journal` command): each fold adds, for the rows
    with an id above the last fold's watermark and up to the new one, one row per group, so a
    group may have a row per fold; readers sum them. Amounts are in whole paise, so sums are exact
    on both databases. Reports add the journal rows above the watermark live.
    """

    business_day = models.DateField(null=True)
    home_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, related_name="+")
    package_type = models.CharField(max_length=20, blank=True)
    event = models.CharField(max_length=14, choices=JournalEvent.choices)
    rows = models.BigIntegerField(default=0)
    value_paise = models.BigIntegerField(default=0)
    sessions = models.BigIntegerField(default=0)
    credit_paise = models.BigIntegerField(default=0)
    # Sums of the rows' holders_delta, sessions_held_delta and credit_held_delta (paise).
    holders = models.BigIntegerField(default=0)
    sessions_held = models.BigIntegerField(default=0)
    credit_held_paise = models.BigIntegerField(default=0)

    class Meta:
        db_table = "package_journal_day"
        indexes = [models.Index(fields=["business_day", "home_branch", "package_type"], name="journal_day_sums")]

    def __str__(self):
        return f"{self.business_day} {self.package_type} {self.event}: {self.rows} row(s)"


class JournalFold(models.Model):
    """The watermark of the daily summary: every journal row with `id <= upto_id` is in `JournalDay`, none above.

    One row (pk 1, made by the migration); a fold locks it, so two folds never add the same rows.
    """

    upto_id = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "package_journal_fold"

    def __str__(self):
        return f"journal folded up to row {self.upto_id}"


# Each kind's template model lives in its kind's module (packages/kinds/<kind>.py), with its rule,
# valuation, texts and fields. Importing them here, in the order of the kinds table of
# docs/design.md, lets Django know the models and registers the kinds in that order.
# isort: off
from .kinds.prepaid import PrepaidPackage  # noqa: E402, F401
from .kinds.service_package import ServicePackage  # noqa: E402, F401
from .kinds.membership import Membership  # noqa: E402, F401
from .kinds.student_offer import StudentOffer  # noqa: E402, F401
from .kinds.yearly_membership import YearlyMembership  # noqa: E402, F401
from .kinds.kitty_party import KittyParty  # noqa: E402, F401
# isort: on

# The built-in kinds as an enum (PackageType.PREPAID), drawn from the registry: no hand list.
PackageType = models.TextChoices(
    "PackageType", [(kind.package_type.upper(), (kind.package_type, kind.label)) for kind in all_kinds()]
)
