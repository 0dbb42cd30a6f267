"""Load demo data: catalogue, one template of every kind, customers holding packages, two users,
and a few months of history (package sales, bills, voids, expiries) for the reports.

Safe to run twice: everything is looked up by its natural key (service and template names,
product SKUs, customer phones, usernames), a demo package is sold only once and the history
is written only when no history sale exists yet.

`--branches 2` (up to 4) makes a chain: more branches (one in another state), the cashier
working at two of them (she picks one after logging in), the student offer valid at the
first branch only, and Priya's facial package, sold at the first branch, used at the second.
"""
import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from branches.checks import NUMBER_FORMAT_SETTINGS
from branches.models import Branch, BranchMembership
from branches.selectors import default_branch
from catalog.models import Product, Service
from core.money import inr
from customers.models import Customer
from customers.validators import gstin_check_digit
from packages.models import (
    KittyParty,
    Membership,
    PackageAssignment,
    PackageBenefitTracker,
    PackageUsage,
    PrepaidPackage,
    ServicePackage,
    StudentOffer,
    TemplateBranch,
    UsageKind,
    YearlyMembership,
)
from packages.services import assignment_extend, assignment_transfer, assignments_expire
from receipts.models import Receipt

from ...models import Invoice, Payment
from ...services import (
    CartItem,
    PaymentIn,
    assignment_refund,
    assignment_sell,
    assignment_top_up,
    invoice_create,
    invoice_preview,
    invoice_void,
)

# name, category, price, GST %, SAC, minutes
SERVICES = [
    ("Hydrating Facial", "Skin", "1200", "5", "999722", 60),
    ("Swedish Massage", "Body", "2500", "5", "999723", 60),
    ("Deep Tissue Massage", "Body", "3000", "5", "999723", 75),
    ("Haircut", "Hair", "499", "5", "999721", 30),
    ("Hair Spa", "Hair", "1499", "5", "999721", 60),
    ("Manicure", "Hands and feet", "699", "5", "999722", 40),
    ("Pedicure", "Hands and feet", "799", "5", "999722", 45),
    ("Gold Facial", "Skin", "1800", "5", "999722", 75),
]

# SKU, name, price, GST %, HSN
PRODUCTS = [
    ("SHMP-200", "Herbal Shampoo 200 ml", "349", "5", "3305"),
    ("CRM-50", "Face Cream 50 g", "599", "18", "3304"),
    ("OIL-100", "Hair Oil 100 ml", "299", "5", "3305"),
    ("SOAP-125", "Sandalwood Soap 125 g", "99", "5", "3401"),
    ("SCRB-100", "Body Scrub 100 g", "449", "18", "3304"),
]
STOCK = 50

# name, phone, email, state code, GSTIN prefix (14 chars; the check digit is computed)
CUSTOMERS = [
    ("Priya Sharma", "98450 12345", "priya.sharma@example.in", "29", ""),
    ("Rahul Verma", "99001 23456", "rahul.verma@example.in", "29", ""),
    ("Ananya Iyer", "98860 34567", "ananya.iyer@example.in", "29", ""),
    ("Karthik Reddy", "90080 45678", "karthik.reddy@example.in", "29", ""),
    ("Meera Nair", "97390 56789", "meera.nair@example.in", "29", ""),
    ("Sneha Kapoor", "98440 67890", "sneha.kapoor@example.in", "29", ""),
    ("Arjun Mehta", "99450 78901", "arjun.mehta@example.in", "29", ""),
    ("Blossom Events LLP", "80 4123 4567", "accounts@blossom.example.in", "29", "29AAKFB1234C1Z"),
]

# Customers who bought in the months before today (the history the reports and charts show).
HISTORY_CUSTOMERS = [
    ("Deepa Menon", "98451 11001", "deepa.menon@example.in", "29", ""),
    ("Vikram Singh", "98451 11002", "vikram.singh@example.in", "29", ""),
    ("Lakshmi Rao", "98451 11003", "lakshmi.rao@example.in", "29", ""),
    ("Rohan Gupta", "98451 11004", "rohan.gupta@example.in", "29", ""),
    ("Farah Khan", "98451 11005", "farah.khan@example.in", "29", ""),
    ("Nikhil Joshi", "98451 11006", "nikhil.joshi@example.in", "29", ""),
]
HISTORY_NOTE = "Demo history"
# Where the demo customers live: a large invoice to one without a GSTIN prints it (GST Rule 46, docs/gst.md).
LOCALITIES = ("Indiranagar, Bengaluru 560038", "Koramangala, Bengaluru 560034", "Jayanagar, Bengaluru 560041",
              "Malleshwaram, Bengaluru 560003", "Whitefield, Bengaluru 560066", "HSR Layout, Bengaluru 560102")

# customer, template key, service (service packages), sold so many days ago,
# expires so many days from today (None: the template's validity from the sale day), payment
HISTORY_SALES = [
    ("Nikhil Joshi", "facial_package", "Pedicure", 150, -40, "cash"),
    ("Deepa Menon", "facial_package", "Gold Facial", 145, 12, "upi"),
    ("Vikram Singh", "prepaid", None, 140, None, "card"),
    ("Lakshmi Rao", "kitty", None, 120, None, "bank_transfer"),
    ("Rohan Gupta", "facial_package", "Hydrating Facial", 100, -10, "upi"),
    ("Farah Khan", "gold", None, 90, 20, "card"),
    ("Nikhil Joshi", "yearly", None, 75, None, "bank_transfer"),
    ("Deepa Menon", "prepaid", None, 62, 5, "upi"),
    ("Vikram Singh", "facial_package", "Swedish Massage", 45, None, "card"),
    ("Lakshmi Rao", "facial_package", "Manicure", 33, 26, "cash"),
    ("Rohan Gupta", "kitty", None, 20, None, "upi"),
    ("Farah Khan", "facial_package", "Hair Spa", 8, None, "cash"),
]

# customer, [(service or product name, quantity)], billed so many days ago, use credit,
# voided so many days ago (None: kept)
HISTORY_BILLS = [
    ("Nikhil Joshi", [("Pedicure", 1)], 140, False, None),
    ("Deepa Menon", [("Gold Facial", 1), ("Face Cream 50 g", 1)], 130, False, None),
    ("Vikram Singh", [("Deep Tissue Massage", 2)], 125, True, None),
    ("Rohan Gupta", [("Hydrating Facial", 1)], 95, False, 94),
    ("Rohan Gupta", [("Hydrating Facial", 1)], 93, False, None),
    ("Deepa Menon", [("Gold Facial", 1)], 85, False, None),
    ("Farah Khan", [("Hydrating Facial", 1), ("Haircut", 1)], 80, False, None),
    ("Nikhil Joshi", [("Haircut", 1), ("Herbal Shampoo 200 ml", 2)], 70, False, None),
    ("Vikram Singh", [("Hair Spa", 1), ("Hair Oil 100 ml", 1)], 55, True, None),
    ("Deepa Menon", [("Manicure", 1)], 50, True, None),
    ("Vikram Singh", [("Swedish Massage", 2)], 40, False, 38),
    ("Vikram Singh", [("Swedish Massage", 1)], 30, False, None),
    ("Lakshmi Rao", [("Manicure", 2)], 25, False, None),
    ("Farah Khan", [("Swedish Massage", 1), ("Body Scrub 100 g", 1)], 15, False, None),
    ("Rahul Verma", [("Sandalwood Soap 125 g", 3)], 6, False, None),
    ("Farah Khan", [("Hair Spa", 1)], 2, False, None),
]

# username, group, password variable, default password, staff (opens /admin/: the managers' only)
USERS = [
    ("manager", "Manager", "DEMO_MANAGER_PASSWORD", "manager123", True),
    ("cashier", "Cashier", "DEMO_CASHIER_PASSWORD", "cashier123", False),
]


# The chain's other branches: code, name, address, phone, state code, GSTIN (14 chars; check digit computed).
MORE_BRANCHES = [
    ("KOR", "Lotus Day Spa Koramangala", "80 Feet Road, Koramangala, Bengaluru, Karnataka 560034", "+91 80 4000 5678",
     "29", "29ABCFE1234F2Z"),
    ("BND", "Lotus Day Spa Bandra", "Hill Road, Bandra West, Mumbai, Maharashtra 400050", "+91 22 4000 1234",
     "27", "27ABCFE1234F1Z"),
    ("IND", "Lotus Day Spa Indiranagar", "100 Feet Road, Indiranagar, Bengaluru, Karnataka 560038", "+91 80 4000 9012",
     "29", "29ABCFE1234F3Z"),
]


def academic_year(today: date) -> tuple[date, date]:
    """Return this academic year in India: 1 June to 31 May."""
    start_year = today.year if today.month >= 6 else today.year - 1
    return date(start_year, 6, 1), date(start_year + 1, 5, 31)


class Command(BaseCommand):
    help = "Load demo data (safe to run again): catalogue, package templates, customers with packages, users."
    # `migrate` has just run the system checks; do not print their warnings twice.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--branches", type=int, default=1, choices=range(1, 2 + len(MORE_BRANCHES)),
            help="How many branches the demo chain has (1: a single shop).",
        )

    def handle(self, *args, **options):
        count = options["branches"]
        if count > 1:
            missing = [name for name in NUMBER_FORMAT_SETTINGS if "{branch" not in getattr(settings, name)]
            if missing:
                raise CommandError(
                    f"A chain numbers its documents per branch: put {{branch}} in {', '.join(missing)} first, as the "
                    "defaults do: INVOICE_NUMBER_FORMAT='{branch}/{fy}/{seq:05d}' (docs/operations.md \"A chain of branches\")."
                )
        with transaction.atomic():
            users = self.seed_users()
            services = self.seed_services()
            self.seed_products()
            templates = self.seed_templates(services)
            customers = self.seed_customers()
            # The past before today, so that each series is numbered in date order.
            history = not PackageAssignment.objects.filter(notes=HISTORY_NOTE).exists()
            if history:
                customers.update(self.seed_customers(HISTORY_CUSTOMERS))
                self.seed_history(customers, templates, services, users["manager"][0], users["cashier"][0])
            sold = self.seed_sales(customers, templates, services, seller=users["manager"][0])
            if history:
                self.seed_after_sale(customers, templates, users["manager"][0])
            if count > 1:
                self.seed_chain(count, customers, templates, services, users)
            # Packages whose day has passed (history or not) are expired, as the nightly job would.
            assignments_expire()
        self.report(users, sold)

    # --- catalogue and templates ----------------------------------------------------------

    def seed_services(self) -> dict[str, Service]:
        services = {}
        for name, category, price, rate, sac, minutes in SERVICES:
            services[name], _ = Service.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "price": inr(price),
                    "gst_rate": Decimal(rate),
                    "sac_code": sac,
                    "duration_minutes": minutes,
                },
            )
        return services

    def seed_products(self) -> None:
        for sku, name, price, rate, hsn in PRODUCTS:
            Product.objects.get_or_create(
                sku=sku,
                defaults={
                    "name": name,
                    "price": inr(price),
                    "gst_rate": Decimal(rate),
                    "hsn_code": hsn,
                    "stock_quantity": STOCK,
                },
            )

    def seed_templates(self, services: dict[str, Service]) -> dict[str, object]:
        start, end = academic_year(timezone.localdate())
        facial_package, _ = ServicePackage.objects.get_or_create(
            name="3+1 Facial Package",
            defaults={
                "description": "Pay for 3 sessions, get 4.",
                "pay_for": 3,
                "total_services": 4,
                "validity_months": 6,
            },
        )
        prepaid, _ = PrepaidPackage.objects.get_or_create(
            name="Prepaid 15,000",
            defaults={
                "description": "Pay ₹15,000, spend ₹17,500 on anything.",
                "actual_price": inr("15000"),
                "after_value": inr("17500"),
                "validity_months": 12,
            },
        )
        gold, created = Membership.objects.get_or_create(
            name="Gold Membership",
            defaults={
                "description": "Facials, Swedish massages and haircuts free for a year.",
                "price": inr("50000"),
                "validity_months": 12,
            },
        )
        if created:
            gold.services_included.set(
                [services["Hydrating Facial"], services["Swedish Massage"], services["Haircut"]]
            )
        student, _ = StudentOffer.objects.get_or_create(
            name="Student 20% (Mon-Fri)",
            defaults={
                "description": "20% off services on weekdays for students.",
                "price": inr("0"),
                "discount_percentage": Decimal("20"),
                "valid_from": start,
                "valid_to": end,
                "valid_days": "Mon-Fri",
                "conditions": "Show a valid student ID at the counter.",
            },
        )
        yearly, _ = YearlyMembership.objects.get_or_create(
            name="Yearly Membership",
            defaults={
                "description": "15% off every service for a year.",
                "price": inr("100000"),
                "discount_percent": Decimal("15"),
                "validity_months": 12,
                "extra_benefits": "Free birthday session",
            },
        )
        kitty, created = KittyParty.objects.get_or_create(
            name="Kitty Party 20,000",
            defaults={
                "description": "Pay ₹20,000, get ₹25,000 for a group of at least 10 guests.",
                "price": inr("20000"),
                "after_value": inr("25000"),
                "min_guests": 10,
                "validity_months": 3,
            },
        )
        if created:
            kitty.services_included.set(
                [services["Manicure"], services["Pedicure"], services["Hair Spa"], services["Haircut"]]
            )
        return {
            "facial_package": facial_package,
            "prepaid": prepaid,
            "gold": gold,
            "student": student,
            "yearly": yearly,
            "kitty": kitty,
        }

    # --- people -------------------------------------------------------------------------------

    def seed_customers(self, rows=CUSTOMERS) -> dict[str, Customer]:
        customers = {}
        for number, (name, phone, email, state_code, gstin_prefix) in enumerate(rows, start=1):
            address = f"No. {number * 7}, {LOCALITIES[number % len(LOCALITIES)]}"
            customer = Customer(name=name, phone=phone, email=email, state_code=state_code, address=address)
            customer.gstin = gstin_prefix + gstin_check_digit(gstin_prefix) if gstin_prefix else ""
            customer.clean()  # normalises the phone: the natural key
            existing = Customer.objects.filter(phone=customer.phone).first()
            if existing is None:
                customer.full_clean()
                customer.save()
                existing = customer
            customers[name] = existing
        return customers

    def seed_users(self) -> dict[str, tuple]:
        User = get_user_model()
        users = {}
        for username, group_name, env_name, default_password, is_staff in USERS:
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist as exc:
                raise CommandError(f'The group "{group_name}" is missing: run "python manage.py migrate" first.') from exc
            password = os.environ.get(env_name) or default_password
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
            if created:
                user.set_password(password)
                user.first_name = group_name
                user.save()
            user.groups.add(group)
            users[username] = (user, created, password)
        return users

    # --- packages sold --------------------------------------------------------------------------

    def seed_sales(self, customers, templates, services, *, seller) -> int:
        """Sell each demo package once, through assignment_sell like the counter does."""
        sales = [
            ("Priya Sharma", "facial_package", services["Hydrating Facial"], PaymentIn(method="upi", reference="UPI-DEMO-1001")),
            ("Rahul Verma", "prepaid", None, PaymentIn(method="card", reference="CARD-DEMO-4242")),
            ("Ananya Iyer", "gold", None, PaymentIn(method="bank_transfer", reference="NEFT-DEMO-77")),
            ("Karthik Reddy", "student", None, PaymentIn(method="cash")),
            ("Meera Nair", "yearly", None, PaymentIn(method="upi", reference="UPI-DEMO-1002")),
            ("Sneha Kapoor", "kitty", None, PaymentIn(method="cash")),
            ("Blossom Events LLP", "kitty", None, PaymentIn(method="bank_transfer", reference="NEFT-DEMO-78")),
        ]
        sold = 0
        for customer_name, template_key, service, payment in sales:
            customer, template = customers[customer_name], templates[template_key]
            already = PackageAssignment.objects.filter(
                customer=customer,
                template_type=ContentType.objects.get_for_model(template),
                template_id=template.pk,
            ).exists()
            if already:
                continue
            assignment_sell(
                customer=customer,
                template=template,
                service=service,
                user=seller,
                payment=payment,
                notes="Demo data",
            )
            sold += 1
        return sold

    # --- history -------------------------------------------------------------------------------

    def seed_history(self, customers, templates, services, manager, cashier) -> None:
        """Sell, bill and void in the past months, through the services, so every report has figures.

        The events run oldest first, each dated and numbered by its own day, as the counter
        would have numbered them then: a July sale takes the next number of 2026-27 after
        June's, and a day before 1 April a number of the year before (docs/gst.md).
        assignment_sell and invoice_void write their rows today, so the rows are back-dated
        after the fact, in `backdate_sale` and `backdate_void` only. Dates move, balances
        never do: the ledger still explains every balance (reconcile_packages).
        """
        today = timezone.localdate()
        products = {product.name: product for product in Product.objects.all()}
        billed: dict[int, Invoice] = {}

        def sell(row) -> None:
            customer_name, template_key, service_name, days_ago, expires_in, method = row
            template = templates[template_key]
            sold_on = today - timedelta(days=days_ago)
            result = assignment_sell(
                customer=customers[customer_name],
                template=template,
                service=services[service_name] if service_name else None,
                user=manager,
                payment=PaymentIn(method=method, reference=f"DEMO-H{days_ago}" if method != "cash" else ""),
                notes=HISTORY_NOTE,
                bill_date=sold_on,
            )
            expires_on = template.default_expiry(sold_on) if expires_in is None else today + timedelta(days=expires_in)
            backdate_sale(result, sold_on=sold_on, expires_on=expires_on)

        def bill(index: int) -> None:
            customer_name, items, days_ago, use_credit, _ = HISTORY_BILLS[index]
            customer = customers[customer_name]
            cart = [
                CartItem(type="service", id=services[name].pk, quantity=quantity)
                if name in services
                else CartItem(type="product", id=products[name].pk, quantity=quantity)
                for name, quantity in items
            ]
            bill_date = today - timedelta(days=days_ago)
            preview = invoice_preview(customer=customer, items=cart, use_credit=use_credit, bill_date=bill_date)
            payments = [PaymentIn(method="cash")] if preview.summary.amount_payable > 0 else []
            result = invoice_create(
                customer=customer, items=cart, cashier=cashier, use_credit=use_credit,
                payments=payments, bill_date=bill_date,
            )
            backdate_bill(result.invoice, on=bill_date)
            billed[index] = result.invoice

        def void(index: int) -> None:
            voided_on = today - timedelta(days=HISTORY_BILLS[index][4])
            invoice_void(invoice=billed[index], reason="Billed to the wrong customer (demo)", user=manager,
                         on_date=voided_on)
            backdate_void(billed[index], on=voided_on)

        # (days ago, order within the day, event): sales, then bills, then voids.
        timeline = [(row[3], 0, partial(sell, row)) for row in HISTORY_SALES]
        timeline += [(row[2], 1, partial(bill, index)) for index, row in enumerate(HISTORY_BILLS)]
        timeline += [(row[4], 2, partial(void, index)) for index, row in enumerate(HISTORY_BILLS) if row[4] is not None]
        for _, _, event in sorted(timeline, key=lambda entry: (-entry[0], entry[1])):
            event()

    def seed_after_sale(self, customers, templates, manager) -> None:
        """Refund, top up, extend and transfer a few history packages today, as a manager would."""
        today = timezone.localdate()

        def held(customer_name: str, template_key: str, service_name: str | None = None) -> PackageAssignment:
            template = templates[template_key]
            found = PackageAssignment.objects.filter(
                customer=customers[customer_name],
                template_type=ContentType.objects.get_for_model(template),
                template_id=template.pk,
                notes=HISTORY_NOTE,
            )
            if service_name:
                found = found.filter(service__name=service_name)
            return found.get()

        massage = held("Vikram Singh", "facial_package", "Swedish Massage")
        assignment_refund(assignment_id=massage.pk, user=manager, reason="Moving to Pune (demo)", method="upi")
        prepaid = held("Vikram Singh", "prepaid")
        assignment_top_up(
            assignment_id=prepaid.pk, user=manager, credit=Decimal("5500.00"), price_paid=Decimal("5000.00"),
            payment=PaymentIn(method="upi", reference="UPI-DEMO-TOPUP"),
        )
        yearly = held("Nikhil Joshi", "yearly")
        assignment_extend(
            assignment_id=yearly.pk, expires_on=yearly.expires_on + timedelta(days=30), user=manager,
            reason="Away for a month after surgery (demo)", on_date=today,
        )
        hair_spa = held("Farah Khan", "facial_package", "Hair Spa")
        assignment_transfer(
            assignment_id=hair_spa.pk, to_customer_id=customers["Deepa Menon"].pk, user=manager,
            reason="A gift to a friend (demo)",
        )

    # --- a chain of branches ------------------------------------------------------------------

    def seed_chain(self, count, customers, templates, services, users) -> None:
        """Open the other branches, staff them, and use a package at a branch other than the one that sold it."""
        first = default_branch()
        branches = [first]
        for code, name, address, phone, state_code, gstin14 in MORE_BRANCHES[: count - 1]:
            branch, _ = Branch.objects.get_or_create(
                code=code,
                defaults={
                    "name": name, "address": address, "phone": phone, "state_code": state_code,
                    "gstin": gstin14 + gstin_check_digit(gstin14),
                },
            )
            branches.append(branch)
        cashier = users["cashier"][0]
        for branch in branches[:2]:  # the cashier works at two branches: she picks one after logging in
            BranchMembership.objects.get_or_create(user=cashier, branch=branch)
        student = templates["student"]
        TemplateBranch.objects.get_or_create(
            template_type=ContentType.objects.get_for_model(student), template_id=student.pk, branch=first
        )
        # Priya's 3+1 facial was sold at the first branch; she has a facial at the second one.
        second = branches[1]
        facial = PackageAssignment.objects.filter(
            customer=customers["Priya Sharma"], branch=first, template_type=ContentType.objects.get_for_model(
                templates["facial_package"]
            ),
        ).first()
        used_there = PackageUsage.objects.filter(
            assignment__customer=customers["Priya Sharma"], branch=second, kind=UsageKind.REDEEM
        ).exists()
        if facial is not None and not used_there and facial.remaining_sessions > 0:
            invoice_create(
                customer=customers["Priya Sharma"],
                items=[CartItem(type="service", id=services["Hydrating Facial"].pk, quantity=1)],
                cashier=cashier,
                branch=second,
            )

    # --- output -----------------------------------------------------------------------------------

    def report(self, users, sold: int) -> None:
        write = self.stdout.write
        write(
            f"Demo data ready: {Service.objects.count()} services, {Product.objects.count()} products, "
            f"{sum(model.objects.count() for model in (PrepaidPackage, ServicePackage, Membership, StudentOffer, YearlyMembership, KittyParty))} "
            f"package templates, {Customer.objects.count()} customers, "
            f"{PackageAssignment.objects.count()} packages held ({sold} sold now)."
        )
        write("")
        write("=" * 60)
        write("  Log in (admin at /admin/, billing counter at /integrated-billing)")
        for username, (user, created, password) in users.items():
            role = "Manager" if username == "manager" else "Cashier"
            # An existing user keeps its password; show it only if it still is the demo one.
            current = created or user.check_password(password)
            shown = password if current else "(kept as it was: no longer the demo password)"
            write(f"  {role:<8} username: {user.get_username():<8} password: {shown}")
        write("=" * 60)


# --- back-dating (the services write today; the history happened earlier) ---------------------


def at(day: date) -> datetime:
    """Return mid-morning of `day`, in the shop's time zone."""
    return timezone.make_aware(datetime.combine(day, time(11, 0)))


def backdate_sale(sale, *, sold_on: date, expires_on: date | None) -> None:
    """Move a sale made today to `sold_on`: the assignment, its trackers, invoice, payment, receipt, ledger."""
    assignment = sale.assignment
    if assignment.package_type == "student_offer":
        expires_on = assignment.expires_on  # the academic year, whatever the sale day
    PackageAssignment.objects.filter(pk=assignment.pk).update(
        assigned_on=sold_on, expires_on=expires_on, created_at=at(sold_on)
    )
    PackageBenefitTracker.objects.filter(assignment=assignment).update(valid_from=sold_on, valid_until=expires_on)
    PackageUsage.objects.filter(assignment=assignment).update(created_at=at(sold_on))
    # A time kind's sale row sets its line: from the start to the expiry (docs/journal.md "Time kinds").
    PackageUsage.objects.filter(assignment=assignment, line_from__isnull=False).update(
        line_from=sold_on, line_end=expires_on
    )
    Payment.objects.filter(assignment=assignment).update(received_at=at(sold_on))
    if sale.invoice is not None:
        Invoice.objects.filter(pk=sale.invoice.pk).update(bill_date=sold_on, issued_at=at(sold_on))
    if sale.receipt is not None:
        Receipt.objects.filter(pk=sale.receipt.pk).update(issued_at=at(sold_on))


def backdate_bill(invoice: Invoice, *, on: date) -> None:
    """Move the times of a bill issued with `bill_date=on` (its rows were written today) to that day."""
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=at(on))
    Payment.objects.filter(invoice=invoice).update(received_at=at(on))
    Receipt.objects.filter(pk=invoice.receipt_id).update(issued_at=at(on))
    PackageUsage.objects.filter(invoice_number=invoice.number).update(created_at=at(on))


def backdate_void(invoice: Invoice, *, on: date) -> None:
    """Move a void made today to `on`: the invoice's cancellation, the credit note, the reversal rows."""
    invoice.refresh_from_db()
    Invoice.objects.filter(pk=invoice.pk).update(cancelled_at=at(on) + timedelta(hours=2))
    Receipt.objects.filter(pk=invoice.credit_note_receipt_id).update(issued_at=at(on) + timedelta(hours=2))
    # The void's journal rows belong to that day too (docs/journal.md "The business day").
    PackageUsage.objects.filter(invoice_number=invoice.credit_note_number).update(
        created_at=at(on) + timedelta(hours=2), business_day=on
    )
