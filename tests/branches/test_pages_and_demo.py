"""The pick-a-branch page and the top bar; the demo chain; a single shop sees no change."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from billing.models import Invoice
from branches.models import Branch
from branches.selectors import SESSION_KEY
from packages.models import PackageAssignment, PackageUsage, UsageKind

from .conftest import works_at

pytestmark = pytest.mark.django_db


def test_a_cashier_at_two_branches_picks_one_after_logging_in(client, cashier, indiranagar, koramangala):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)

    first = client.get("/integrated-billing")
    page = client.get(first["Location"])
    picked = client.post("/branch", {"branch": koramangala.pk, "next": "/integrated-billing"})
    counter = client.get("/integrated-billing")

    assert first.status_code == 302 and first["Location"].startswith("/branch?next=")
    assert "Indiranagar" in page.content.decode() and "Koramangala" in page.content.decode()
    assert picked.status_code == 302 and picked["Location"] == "/integrated-billing"
    assert client.session[SESSION_KEY] == koramangala.pk
    assert counter.status_code == 200
    assert 'data-testid="current-branch"' in counter.content.decode() and "Koramangala" in counter.content.decode()


def test_a_cashier_cannot_pick_a_branch_she_does_not_work_at(client, cashier, indiranagar, koramangala, bandra):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)

    client.post("/branch", {"branch": bandra.pk})

    assert SESSION_KEY not in client.session


def test_a_single_shop_shows_no_branch_and_asks_for_none(client, cashier):
    client.force_login(cashier)

    counter = client.get("/integrated-billing")

    assert counter.status_code == 200
    assert 'data-testid="current-branch"' not in counter.content.decode()


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_with_two_branches_uses_a_package_sold_at_one_branch_at_the_other():
    seed("--branches", "2")
    counts = (Branch.objects.count(), Invoice.objects.count(), PackageUsage.objects.count())
    seed("--branches", "2")

    first, second = Branch.objects.order_by("pk")[:2]
    used_elsewhere = PackageUsage.objects.filter(kind=UsageKind.REDEEM, branch=second, assignment__branch=first)
    assert used_elsewhere.count() == 1
    assert (Branch.objects.count(), Invoice.objects.count(), PackageUsage.objects.count()) == counts
    assert first.code == "MAIN" and second.code == "KOR"
    assert PackageAssignment.objects.filter(branch=first).exists()


@override_settings(RECEIPT_NUMBER_FORMAT="REC/{fy}/{seq:05d}")
def test_seed_demo_refuses_a_chain_without_the_branch_in_its_numbers():
    with pytest.raises(CommandError, match="put {branch} in RECEIPT_NUMBER_FORMAT"):
        seed("--branches", "2")


HTMX = {"HTTP_HX_REQUEST": "true"}


def start_a_bill(client, customer, service):
    client.post("/integrated-billing/cart", {"action": "customer", "customer": str(customer.pk)}, **HTMX)
    client.post("/integrated-billing/cart", {"action": "add-service", "add_service": str(service.pk)}, **HTMX)


def test_switching_branch_with_a_bill_in_progress_asks_first_and_switches_once_confirmed(
    client, cashier, indiranagar, koramangala, customer, facial
):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)
    client.post("/branch", {"branch": indiranagar.pk, "next": "/integrated-billing"})
    start_a_bill(client, customer, facial)

    asked = client.post("/branch", {"branch": koramangala.pk, "next": "/integrated-billing"})

    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Switch to Koramangala?" in html
    assert f"The counter has a bill in progress for {customer.name} (1 line)" in html
    assert "Stay at Indiranagar" in html
    assert client.session[SESSION_KEY] == indiranagar.pk  # nothing switched yet

    confirmed = client.post("/branch", {"branch": koramangala.pk, "next": "/integrated-billing", "confirm": "1"})

    assert confirmed.status_code == 302 and confirmed["Location"] == "/integrated-billing"
    assert client.session[SESSION_KEY] == koramangala.pk
    assert client.session["counter_cart"]["lines"]  # the bill went along, as the page said


def test_switching_branch_with_an_empty_counter_asks_nothing(client, cashier, indiranagar, koramangala, customer):
    works_at(cashier, indiranagar, koramangala)
    client.force_login(cashier)
    client.post("/branch", {"branch": indiranagar.pk, "next": "/integrated-billing"})
    client.post("/integrated-billing/cart", {"action": "customer", "customer": str(customer.pk)}, **HTMX)

    switched = client.post("/branch", {"branch": koramangala.pk, "next": "/integrated-billing"})

    assert switched.status_code == 302
    assert client.session[SESSION_KEY] == koramangala.pk
