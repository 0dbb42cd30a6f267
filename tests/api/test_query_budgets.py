"""Every list endpoint takes a fixed number of queries, whether it lists 1 row or 30."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import PaymentIn, assignment_sell
from packages.services import assignment_create
from tests.factories import (
    CustomerFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    YearlyMembershipFactory,
)

pytestmark = pytest.mark.django_db

# Session, user and their permissions (3: core.auth reads them in one query), then the endpoint's own queries.
BUDGETS = {
    "/api/prepaid-packages": 4,
    "/api/service-packages": 4,
    "/api/memberships": 5,
    "/api/student-offers": 4,
    "/api/yearly-memberships": 4,
    "/api/kitty-parties": 5,
    "/api/customers": 5,
    "/api/services": 5,
    "/api/products": 5,
    "/api/assignments": 5,
    "/api/invoices": 7,
}


def make_rows(url: str, count: int, *, manager, facial) -> None:
    """Create `count` rows that `url` lists, each with the relations it shows."""
    extra_service = ServiceFactory()
    for _ in range(count):
        if url == "/api/prepaid-packages":
            PrepaidPackageFactory()
        elif url == "/api/service-packages":
            ServicePackageFactory()
        elif url == "/api/memberships":
            MembershipFactory(services_included=[facial, extra_service])
        elif url == "/api/student-offers":
            StudentOfferFactory()
        elif url == "/api/yearly-memberships":
            YearlyMembershipFactory()
        elif url == "/api/kitty-parties":
            KittyPartyFactory(services_included=[facial, extra_service])
        elif url == "/api/customers":
            CustomerFactory()
        elif url == "/api/services":
            ServiceFactory()
        elif url == "/api/products":
            ProductFactory()
        elif url == "/api/assignments":
            assignment_create(customer=CustomerFactory(), template=ServicePackageFactory(), service=facial)
        elif url == "/api/invoices":
            assignment_sell(
                customer=CustomerFactory(), template=ServicePackageFactory(), service=facial, user=manager,
                payment=PaymentIn(method="cash"),
            )


def queries_for(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if "results" in body else body["packages"]
    return len(queries), len(rows)


@pytest.mark.parametrize("url", BUDGETS)
def test_list_endpoint_takes_the_same_queries_for_one_row_or_thirty(
    manager_client, manager, facial, url, django_assert_max_num_queries
):
    make_rows(url, 1, manager=manager, facial=facial)
    few_queries, few_rows = queries_for(manager_client, url)
    make_rows(url, 29, manager=manager, facial=facial)

    with django_assert_max_num_queries(BUDGETS[url]):
        many_queries, many_rows = queries_for(manager_client, url)

    assert many_rows >= 30 > few_rows
    assert many_queries == few_queries
