"""The counter page through its htmx endpoints (the Django client): the cart in the session, whole quantities,
a payment method to choose, and an invoice only on the totals the cashier saw."""
import re
from decimal import Decimal

import pytest

from billing.exceptions import TotalsChanged
from billing.models import Invoice, InvoiceKind
from billing.selectors import package_usage
from billing.services import CartItem, PaymentIn, assignment_sell, invoice_create, invoice_preview
from catalog.models import Service
from core.money import format_inr
from tests.factories import ServiceFactory, ServicePackageFactory, UserFactory, YearlyMembershipFactory, inr

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def counter(client, cashier, customer, facial):
    client.force_login(cashier)

    def post(path="/integrated-billing/cart", **data):
        return client.post(path, data, **HTMX)

    post(action="customer", customer=str(customer.pk))
    return post


def generate_disabled(html: str) -> bool:
    return re.search(r'id="generate-invoice"[^>]*\sdisabled[\s>]', html) is not None


def cart(client):
    return client.session["counter_cart"]


def test_the_cart_is_kept_in_the_session_and_shown_again_on_reload(client, counter, facial):
    counter(action="add-service", add_service=str(facial.pk))
    uid = cart(client)["lines"][0]["uid"]
    counter(**{f"line-{uid}-quantity": "3"})

    page = client.get("/integrated-billing")

    assert cart(client)["lines"][0]["quantity"] == "3"
    html = page.content.decode()
    assert f'id="id_line-{uid}-quantity"' in html and 'value="3"' in html
    assert "Hydrating Facial" in html


def test_a_quantity_of_2_point_5_is_refused_in_the_cashiers_words_never_truncated(client, counter, facial):
    counter(action="add-service", add_service=str(facial.pk))
    uid = cart(client)["lines"][0]["uid"]

    answer = counter(**{f"line-{uid}-quantity": "2.5"}).content.decode()

    assert "Quantity must be a whole number from 1 to 1000" in answer
    assert answer.count("Quantity must be a whole number from 1 to 1000") == 1
    assert 'data-state="error"' in answer
    assert generate_disabled(answer)


def test_generate_waits_for_a_payment_method_no_cash_is_assumed(client, counter, facial):
    counter(action="add-service", add_service=str(facial.pk))

    answer = counter(**{"pay-0-method": ""}).content.decode()
    assert "Choose how the customer pays" in answer
    assert generate_disabled(answer)

    answer = counter(**{"pay-0-method": "upi"}).content.decode()
    assert not generate_disabled(answer)


def grand_total(customer, service):
    return invoice_preview(customer=customer, items=[CartItem(type="service", id=service.pk, quantity=1)]).summary.grand_total


def test_issuing_on_a_grand_total_the_server_no_longer_agrees_with_answers_409_and_writes_nothing(
    client, counter, customer, facial
):
    counter(action="add-service", add_service=str(facial.pk))
    shown = grand_total(customer, facial)
    Service.objects.filter(pk=facial.pk).update(price=inr("1500.00"))

    answer = counter("/integrated-billing/issue", **{"pay-0-method": "cash", "expected_grand_total": str(shown)})

    assert answer.status_code == 409
    assert "The totals changed; check and press again." in answer.content.decode()
    assert format_inr(grand_total(customer, facial)) in answer.content.decode()  # the new total, shown
    assert not Invoice.objects.exists()


def test_issuing_on_the_totals_shown_bills_with_the_chosen_method_and_lists_the_invoice(client, counter, customer, facial):
    counter(action="add-service", add_service=str(facial.pk))

    answer = counter(
        "/integrated-billing/issue", **{"pay-0-method": "upi", "expected_grand_total": str(grand_total(customer, facial))}
    )

    assert answer.status_code == 200
    invoice = Invoice.objects.get(kind=InvoiceKind.SALE)
    assert [p.method for p in invoice.payments.all()] == ["upi"]
    assert invoice.number in answer.content.decode()
    assert "receipt-issued" in answer["HX-Trigger-After-Settle"]
    assert cart(client)["lines"] == []  # the next bill starts empty


def test_the_invoice_service_refuses_an_expected_total_that_differs(customer, facial, cashier):
    with pytest.raises(TotalsChanged):
        invoice_create(
            customer=customer, items=[CartItem(type="service", id=facial.pk, quantity=1)], cashier=cashier,
            payments=[PaymentIn(method="cash")], expected_grand_total=Decimal("1000.00"),
        )
    assert not Invoice.objects.exists()


def test_the_usage_history_names_the_invoice_that_sold_the_package(customer, facial, cashier):
    template = ServicePackageFactory(pay_for=3, total_services=4)
    sale = assignment_sell(customer=customer, template=template, service=facial, user=cashier, payment=PaymentIn("cash"))

    rows = package_usage(assignment_id=sale.assignment.pk)

    assert rows[0]["kind"] == "sale"
    assert rows[0]["invoice_number"] == sale.invoice.number


def test_the_counter_offers_the_active_catalogue_and_active_staff(client, counter, facial):
    ServiceFactory(name="Retired service", is_active=False)
    UserFactory(username="therapist", first_name="Meena", last_name="K")
    UserFactory(username="gone", first_name="Gone", is_active=False)

    html = counter(action="add-service", add_service=str(facial.pk)).content.decode()

    services = html[html.index('id="add-service"') : html.index("</select>", html.index('id="add-service"'))]
    assert "Hydrating Facial" in services and "Retired service" not in services
    assert "Meena K" in html and "Gone" not in html


def test_only_a_manager_is_offered_the_void_of_the_last_invoice(client, customer, facial, cashier, manager):
    for user, offered in ((cashier, False), (manager, True)):
        client.force_login(user)
        client.post("/integrated-billing/cart", {"action": "customer", "customer": str(customer.pk)}, **HTMX)
        client.post("/integrated-billing/cart", {"action": "add-service", "add_service": str(facial.pk)}, **HTMX)
        total = str(grand_total(customer, facial))
        html = client.post(
            "/integrated-billing/issue", {"pay-0-method": "cash", "expected_grand_total": total}, **HTMX
        ).content.decode()
        assert 'id="last-invoice"' in html
        assert ('id="void-invoice"' in html) is offered


def test_a_second_press_of_an_issued_bill_answers_that_invoice_and_bills_nothing_more(client, counter, customer, facial):
    counter(action="add-service", add_service=str(facial.pk))
    press = {"pay-0-method": "cash", "expected_grand_total": str(grand_total(customer, facial)), "key": cart(client)["key"]}
    uid = cart(client)["lines"][0]["uid"]
    press[f"line-{uid}-quantity"] = "1"

    first = counter("/integrated-billing/issue", **press)
    second = counter("/integrated-billing/issue", **press)

    assert first.status_code == second.status_code == 200
    invoice = Invoice.objects.get(kind=InvoiceKind.SALE)
    assert f"Invoice {invoice.number} issued." in second.content.decode()


def test_the_counter_splits_a_payment_into_at_most_10_rows(client, counter, facial):
    counter(action="add-service", add_service=str(facial.pk))

    for _ in range(12):
        answer = counter(action="add-payment")

    assert len(cart(client)["payments"]) == 10
    assert 'id="add-payment"' not in answer.content.decode()


def test_a_discount_package_is_named_as_a_discount_on_the_counter_not_as_covered(client, counter, customer, cashier, facial):
    """Issue 25 item 6: a 15% yearly membership gives a discount; packages covered no session."""
    assignment_sell(customer=customer, template=YearlyMembershipFactory(name="Gold 15%"), user=cashier, payment=PaymentIn("cash"))

    html = counter(action="add-service", add_service=str(facial.pk)).content.decode()

    assert re.search(r"<dt>Discount \(incl\. Gold 15%\)</dt><dd data-summary=\"discount\" data-value=\"180\.00\"", html)
    assert re.search(r"<dt>of those, covered by packages</dt><dd data-summary=\"package_subtotal\" data-value=\"0\.00\"", html)
    assert "<dt>CGST 2.5%</dt>" in html and "<dt>SGST 2.5%</dt>" in html
