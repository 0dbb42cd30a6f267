"""factory_boy factories for every model a test needs to set up."""
import importlib
import pkgutil
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

import api_tokens.migrations
import billing.migrations
import customers.migrations
import notifications.migrations
import packages.migrations
from branches.models import Branch
from branches.selectors import default_branch
from catalog.models import Product, Service
from core.gstin import gstin_check_digit
from core.money import inr
from customers.models import Customer
from notifications.models import Notification
from packages.ledger import releases_by_time
from packages.models import (
    KittyParty,
    Membership,
    PackageAssignment,
    PackageUsage,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    YearlyMembership,
)


def _roles_migration(suffix: str = "_roles_hold_permissions"):
    """Return the migration that gives each role group its permissions (found by name: numbers change on merge)."""
    (name,) = [m.name for m in pkgutil.iter_modules(billing.migrations.__path__) if m.name.endswith(suffix)]
    return importlib.import_module(f"billing.migrations.{name}")


def role_group(name: str) -> Group:
    """Return the group `name`. A role group a transactional test's flush removed comes back with its permissions."""
    group, created = Group.objects.get_or_create(name=name)
    roles = _roles_migration()
    if created and name in roles.GROUPS:
        group.permissions.set(roles.permissions_of(apps, group._state.db, roles.GROUPS[name]))
        reminders = _migration(notifications.migrations, "_role_permissions")
        spec = {"Cashier": reminders.CASHIER, "Manager": reminders.MANAGER}[name]
        group.permissions.add(*roles.permissions_of(apps, group._state.db, {"notifications": spec}))
        chain = _roles_migration("_managers_work_at_every_branch")  # managers are chain-wide
        group.permissions.add(*chain._permissions(apps, group._state.db, chain.ROLES.get(name, {})))
        price = _roles_migration("_managers_override_package_price")  # managers set a sale's price
        group.permissions.add(*price._permissions(apps, group._state.db, price.ROLES.get(name, {})))
        if name == "Manager":  # a customer's data on request: export and erase
            data = _migration(customers.migrations, "_data_request")
            permission = apps.get_model("auth", "Permission")
            group.permissions.add(
                *permission.objects.filter(content_type__app_label="customers", codename__in=data.CODENAMES)
            )
        kinds = _migration(packages.migrations, "_template_permissions_of_every_kind")  # one codename, every kind
        permission = apps.get_model("auth", "Permission")
        held = set(group.permissions.filter(content_type__app_label="packages").values_list("codename", flat=True))
        for codename, actions in kinds.FROM.items():
            if held & {f"{action}_{model}" for action in actions for model in kinds.TEMPLATE_MODELS}:
                group.permissions.add(permission.objects.get(content_type__app_label="packages", codename=codename))
        if name == "Manager":  # the API token list with Revoke
            tokens = _migration(api_tokens.migrations, "_existing_tokens_and_managers")
            permission = apps.get_model("auth", "Permission")
            group.permissions.add(
                *permission.objects.filter(content_type__app_label="api_tokens", codename__in=tokens.CODENAMES)
            )
    return group


def _migration(package, suffix: str):
    (name,) = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name.endswith(suffix)]
    return importlib.import_module(f"{package.__name__}.{name}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(role_group(name))
        if create:
            self.save()


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    category = "Skin"
    price = inr("1200.00")
    gst_rate = Decimal("5.00")
    sac_code = "999722"
    duration_minutes = 60


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = inr("500.00")
    gst_rate = Decimal("18.00")
    hsn_code = "3304"
    stock_quantity = 100


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    email = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@example.com")
    state_code = "29"
    # A customer on file has an address: GST Rule 46 prints it on a large invoice (docs/gst.md).
    address = factory.Sequence(lambda n: f"{n} Residency Road, Bengaluru 560025")

    @factory.post_generation
    def reminders_opt_out(obj, create, extracted, **kwargs):
        """CustomerFactory(reminders_opt_out=True): every channel withdrawn, as the admin's tick records it."""
        if create and extracted:
            from customers.consent import reminders_opt_out_set

            reminders_opt_out_set(customer=obj, opt_out=True, how="admin")


class PrepaidPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrepaidPackage

    name = factory.Sequence(lambda n: f"Prepaid {n}")
    actual_price = inr("15000.00")
    after_value = inr("17500.00")
    validity_months = 12


class ServicePackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePackage

    name = factory.Sequence(lambda n: f"3+1 Package {n}")
    pay_for = 3
    total_services = 4
    validity_months = 6


def include_services(template, create, extracted) -> None:
    """A membership or kitty party includes the services given, or one service of its own:
    one that includes none cannot be sold. `services_included=[]` makes that broken template."""
    if create:
        template.services_included.set(ServiceFactory.create_batch(1) if extracted is None else extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Membership {n}")
    price = inr("50000.00")
    validity_months = 12

    @factory.post_generation
    def services_included(self, create, extracted, **kwargs):
        include_services(self, create, extracted)


class StudentOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentOffer

    name = factory.Sequence(lambda n: f"Student offer {n}")
    price = inr("0.00")
    discount_percentage = Decimal("20.00")
    valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: date.today() + timedelta(days=335))
    valid_days = "Mon-Fri"


class YearlyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyMembership

    name = factory.Sequence(lambda n: f"Yearly {n}")
    price = inr("100000.00")
    discount_percent = Decimal("15.00")
    validity_months = 12
    extra_benefits = "Free birthday session"


class KittyPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KittyParty
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kitty Party {n}")
    price = inr("20000.00")
    after_value = inr("25000.00")
    min_guests = 10
    validity_months = 3

    @factory.post_generation
    def services_included(self, create, extracted, **kwargs):
        include_services(self, create, extracted)



# One template factory per built-in kind, in the order of the kinds table.
TEMPLATE_FACTORIES = [
    PrepaidPackageFactory, ServicePackageFactory, MembershipFactory, StudentOfferFactory,
    YearlyMembershipFactory, KittyPartyFactory,
]


class NotificationFactory(factory.django.DjangoModelFactory):
    """A reminder row as the schedule writes it (give `assignment`; the customer follows it)."""

    class Meta:
        model = Notification

    assignment = None
    customer = factory.LazyAttribute(lambda o: o.assignment.customer)
    kind = "expiry"
    threshold = 7
    channel = "email"
    status = "sent"
    recipient = factory.LazyAttribute(lambda o: o.customer.email)
    attempts = 1


class BranchFactory(factory.django.DjangoModelFactory):
    """A branch with a valid GSTIN of its state (the check digit computed)."""

    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:02d}")
    name = factory.LazyAttribute(lambda branch: f"Lotus {branch.code}")
    address = "1 Test Road, Bengaluru, Karnataka 560001"
    phone = "+91 80 4000 0000"
    state_code = "29"
    gstin = factory.LazyAttributeSequence(
        lambda branch, n: f"{branch.state_code}ABCFE{n % 10000:04d}F1Z"
        + gstin_check_digit(f"{branch.state_code}ABCFE{n % 10000:04d}F1Z")
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A package sold, as its row stands (give `template`; balances from it). Journal rows are separate: JournalRowFactory."""

    class Meta:
        model = PackageAssignment
        exclude = ("template",)

    template = factory.SubFactory(ServicePackageFactory)
    customer = factory.SubFactory(CustomerFactory)
    branch = factory.LazyFunction(default_branch)
    package_type = factory.LazyAttribute(lambda o: o.template.package_type)
    template_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.template))
    template_id = factory.LazyAttribute(lambda o: o.template.pk)
    package_name = factory.LazyAttribute(lambda o: o.template.name)
    assigned_on = factory.LazyFunction(date.today)
    expires_on = factory.LazyAttribute(lambda o: o.assigned_on + timedelta(days=365))
    sale_value = inr("3600.00")
    price_paid = factory.LazyAttribute(lambda o: o.sale_value)


_USAGE_KIND = {
    "sale": "sale", "renewal": "sale", "import": "sale", "top_up": "top_up", "redemption": "redeem",
    "refund": "refund", "transfer_out": "transfer_out", "transfer_in": "transfer_in", "expiry": "expiry",
    "adjustment": "adjustment", "reinstatement": "adjustment", "note": "extension",
}


class JournalRowFactory(factory.django.DjangoModelFactory):
    """One journal row of `assignment` (docs/reports.md): its kind and selling branch copied from it.

    Give `event`, `business_day`, `value_delta` (signed rupees) and, where they move,
    `sessions_delta` / `credit_delta`; `branch` (where it happened) defaults to the selling one.
    """

    class Meta:
        model = PackageUsage

    assignment = factory.SubFactory(AssignmentFactory)
    event = "sale"
    kind = factory.LazyAttribute(lambda o: "reversal" if o.reverses else _USAGE_KIND[o.event])
    business_day = factory.LazyFunction(date.today)
    value_delta = inr("0.00")
    package_type = factory.LazyAttribute(lambda o: o.assignment.package_type)
    home_branch = factory.LazyAttribute(lambda o: o.assignment.branch)
    branch = factory.LazyAttribute(lambda o: o.home_branch)
    reverses = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Fill in what the writer stamps on every row (docs/journal.md "The snapshot") from the rows before it."""
        assignment = kwargs["assignment"]
        before = [Decimal(0), 0, Decimal(0)]  # value held, sessions, credit
        for value, sessions, credit in PackageUsage.objects.filter(assignment=assignment).values_list(
            "value_delta", "sessions_delta", "credit_delta"
        ):
            before = [before[0] + Decimal(str(value)), before[1] + sessions, before[2] + Decimal(str(credit))]
        delta = (_amount(kwargs.get("value_delta")), kwargs.get("sessions_delta", 0), _amount(kwargs.get("credit_delta")))
        after = [before[0] + delta[0], before[1] + delta[1], before[2] + delta[2]]
        counted = [(s, c) if v > 0 else (0, Decimal(0)) for v, s, c in (before, after)]
        kwargs.setdefault("value_after", inr(after[0]))
        kwargs.setdefault("holders_delta", int(after[0] > 0) - int(before[0] > 0))
        kwargs.setdefault("sessions_held_delta", counted[1][0] - counted[0][0])
        kwargs.setdefault("credit_held_delta", inr(counted[1][1] - counted[0][1]))
        if releases_by_time(assignment.package_type) and kwargs.get("kind") not in ("redeem", "reversal"):
            opening = kwargs.get("kind") in ("sale", "transfer_in")
            kwargs.setdefault(
                "line_from", assignment.assigned_on if opening else max(kwargs["business_day"], assignment.assigned_on)
            )
            kwargs.setdefault("line_end", assignment.expires_on)
        return super()._create(model_class, *args, **kwargs)


def _amount(value) -> Decimal:
    return Decimal(str(getattr(value, "amount", value) or 0))
