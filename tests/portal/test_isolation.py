"""From one customer's link, signed in with her code, nothing of any other customer is reachable."""
import pytest

from billing.services import PaymentIn, assignment_sell
from customers.links import page_token
from packages.models import PackageAssignment
from receipts.models import Receipt
from tests.factories import CustomerFactory, ServicePackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(meera, cashier, facial):
    """Meera and two more customers, each with a package and its receipt."""
    more = [CustomerFactory(name=f"Other {n}") for n in range(2)]
    for customer in more:
        assignment_sell(
            customer=customer, template=ServicePackageFactory(name=f"Secret Package {customer.pk}"), service=facial,
            user=cashier, payment=PaymentIn("cash"),
        )
    return [meera, *more]


def test_every_other_customers_packages_invoices_and_history_are_unreachable(signed_in, link, asha, others):
    theirs = PackageAssignment.objects.exclude(customer=asha)
    their_receipts = Receipt.objects.exclude(customer=asha)
    assert theirs.count() == 3 and their_receipts.count() == 3
    pages = {part: signed_in.get(f"{link}{part}").content.decode() for part in ("", "/history", "/documents")}
    for html in pages.values():
        for other in others:
            assert other.name not in html and other.phone not in html
        for assignment in theirs:
            assert assignment.package_name not in html
        for receipt in their_receipts:
            assert receipt.number not in html
    # Every other document number, asked for through Asha's own link: not found, no PDF.
    for receipt in their_receipts:
        response = signed_in.get(f"{link}/documents/{receipt.number}.pdf")
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    # Her own still comes.
    assert signed_in.get(f"{link}/documents/{asha.sale.receipt.number}.pdf").status_code == 200


def test_being_signed_in_on_one_page_opens_no_other_customers_page(signed_in, others):
    for other in others:
        other_link = f"/my/{page_token(other)}"
        for part in ("history", "documents", "preferences"):
            response = signed_in.get(f"{other_link}/{part}")
            assert response.status_code == 302 and response["Location"] == f"{other_link}/sign-in?next={part}"


def test_no_path_takes_an_id(client, asha, others):
    """Ids where a token goes name nobody; a page key without its signature neither."""
    for candidate in [str(asha.pk), str(others[0].pk), asha.page_key, f"{asha.page_key}:1:2"]:
        response = client.get(f"/my/{candidate}")
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
