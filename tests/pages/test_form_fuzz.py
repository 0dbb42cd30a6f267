"""Hostile values in every field of every page form never answer 500 (issue 21, item 8).

Each page is opened as a manager, its forms (and htmx triggers) read from the HTML as a
browser would send them, and each field in turn is given each hostile value, the other fields
keeping what the page filled in. Any answer is fine (the page with a form error, a 400,
a redirect) except a server error. PostgreSQL is the database that refuses NUL in text, so
run this on both.
"""
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from billing.services import PaymentIn, assignment_sell
from tests.factories import (
    BranchFactory,
    CustomerFactory,
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ProductFactory,
    ServicePackageFactory,
    UserFactory,
)
from tests.pages.forms_scraper import PageForm, page_forms

pytestmark = pytest.mark.django_db

HOSTILE = [
    "ab\x00cd",
    "\ud800",  # sent as the bytes a surrogate-passing encoder makes (%ED%A0%80)
    "-1",
    "10.005",
    "²",  # a digit to str.isdigit(), not to int()
    "9" * 30,
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "01-01-0001",
    "31-12-9999",
    "x" * 5000,
    "",
]
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
SKIPPED_URLS = ("/logout",)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(db, manager, customer, facial):
    """A manager's client on a shop with a package of each shape, a sale and an invoice."""
    package = ServicePackageFactory(name="3+1 Facial Package")
    sale = assignment_sell(customer=customer, template=package, service=facial, user=manager, payment=PaymentIn("cash"))
    PrepaidPackageFactory()
    MembershipFactory(services_included=[facial])
    KittyPartyFactory(services_included=[facial])
    product = ProductFactory()
    CustomerFactory(name="Asha Rao")
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return {"client": client, "customer": customer, "facial": facial, "product": product, "sale": sale,
            "package": package}


def encode(fields: dict[str, str]) -> str:
    return urlencode(fields, encoding="utf-8", errors="surrogatepass")


def send(client, form: PageForm, fields: dict[str, str]):
    if form.method == "GET":
        separator = "&" if "?" in form.url else "?"
        return client.get(f"{form.url}{separator}{encode(fields)}", HTTP_HX_REQUEST="true")
    return client.post(form.url, encode(fields), content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true")


def server_errors(client, forms: list[PageForm]) -> list[str]:
    """Send every hostile value in every field of `forms`; return what answered 500."""
    failures = []
    for form in forms:
        if form.url.startswith(SKIPPED_URLS):
            continue
        names = form.own or tuple(form.fields)
        shapes = set()
        for name in names:
            # line-2-quantity is line-1-quantity again, pay-1-amount is pay-0-amount: one of each.
            shape = re.sub(r"\d+", "N", name)
            if name in SKIPPED_FIELDS or shape in shapes:
                continue
            shapes.add(shape)
            for value in HOSTILE:
                response = send(client, form, {**form.fields, name: value})
                if response.status_code >= 500:
                    failures.append(f"{form.method} {form.url} {name}={value[:12]!r} -> {response.status_code}")
    return failures


def assert_no_server_error(client, forms: list[PageForm]) -> None:
    failures = server_errors(client, forms)
    assert not failures, "\n".join(failures)


def forms_of(client, url: str) -> list[PageForm]:
    response = client.get(url)
    assert response.status_code == 200, url
    return page_forms(response.content.decode(), url.split("?")[0])


def test_the_template_forms_on_packages_never_answer_500(shop):
    client = shop["client"]

    assert_no_server_error(client, forms_of(client, "/packages"))


def test_the_sale_form_on_assign_packages_never_answers_500(shop):
    client, customer, package = shop["client"], shop["customer"], shop["package"]
    url = f"/assign-packages?customer_id={customer.pk}&package_type=service_package&package_id={package.pk}"
    forms = forms_of(client, url)
    forms.append(PageForm("/assign-packages", "GET", {
        "customer_id": str(customer.pk), "package_type": "service_package", "package_id": str(package.pk)
    }))
    forms.append(PageForm("/assign-packages/details", "GET", {
        "package": f"service_package:{package.pk}", "service": str(shop["facial"].pk), "expires_on": "", "changed": "service",
    }))

    assert_no_server_error(client, forms)


def test_the_customer_picker_search_and_new_customer_never_answer_500(shop):
    client = shop["client"]
    forms = forms_of(client, "/customers/picker")
    forms.append(PageForm("/customers/picker", "GET", {"customer_id": str(shop["customer"].pk)}))

    assert_no_server_error(client, forms)


def test_the_counter_and_its_partials_never_answer_500(shop):
    client = shop["client"]
    hx = {"HTTP_HX_REQUEST": "true"}
    client.post("/integrated-billing/cart", {"action": "customer", "customer": shop["customer"].pk}, **hx)
    client.post("/integrated-billing/cart", {"action": "add-service", "add_service": shop["facial"].pk}, **hx)
    client.post("/integrated-billing/cart", {"action": "add-product", "add_product": shop["product"].pk}, **hx)
    client.post("/integrated-billing/cart", {"action": "add-payment"}, **hx)
    forms = forms_of(client, "/integrated-billing")
    # Generate posts the cart form as the cart does: its own fields are the key and the total it saw.
    for form in forms:
        if form.url == "/integrated-billing/issue":
            form.own = ("key", "expected_grand_total", "pay-0-method", "pay-0-amount")
    forms.append(PageForm("/integrated-billing", "GET", {"customer_id": str(shop["customer"].pk), "changed": "1"}))
    invoice = shop["sale"].invoice
    forms.append(PageForm(f"/integrated-billing/void/{invoice.pk}", "POST", {"reason": "Wrong customer"}))

    assert_no_server_error(client, forms)


# The pickers each tab reads (the page's one form carries them all).
TAB_FIELDS = {
    "liability": ("tab", "as_of"),
    "package-sales": ("date_from", "date_to", "group"),
    "redemptions": ("date_from", "date_to"),
    "breakage": ("date_from",),
    "expiring": ("within_days", "view"),
    "day-close": ("day",),
}


def test_the_reports_page_never_answers_500(shop):
    client = shop["client"]
    (form,) = [form for form in forms_of(client, "/reports") if form.url == "/reports"]
    forms = [PageForm("/reports", "GET", {**form.fields, "tab": tab}, own) for tab, own in TAB_FIELDS.items()]

    assert_no_server_error(client, forms)


def test_the_branch_picker_never_answers_500(shop, manager):
    BranchFactory(code="KOR")
    manager.branches.add(*__import__("branches.models").models.Branch.objects.all())
    client = shop["client"]

    assert_no_server_error(client, forms_of(client, "/branch"))


def test_the_login_page_never_answers_500(db):
    UserFactory(username="ravi")
    client = Client(raise_request_exception=False)

    assert_no_server_error(client, forms_of(client, "/login"))
