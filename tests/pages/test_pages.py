"""The pages answer the right people: login first, then whoever holds the page's permission."""
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from spa_pkg import page_urls
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
    inr,
)

pytestmark = pytest.mark.django_db

PAGES = ["/integrated-billing", "/assign-packages", "/packages"]


def json_script(response, element_id: str):
    """Return the data a page embeds with Django's json_script."""
    html = response.content.decode()
    start = html.index(f'<script id="{element_id}" type="application/json">') + len(
        f'<script id="{element_id}" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def nobody(db):
    return UserFactory(username="no-role")


# Pages every signed-in user (or anyone) may open: the sign-in pages and the redirect home.
OPEN_PAGES = {"home", "login", "logout"}


@pytest.mark.parametrize("pattern", page_urls.urlpatterns, ids=lambda pattern: pattern.name)
def test_every_page_names_the_permission_it_needs(pattern):
    """core.permissions.permission_required marks the view; a page without it fails here."""
    if pattern.name in OPEN_PAGES:
        return
    assert pattern.callback.required_permissions


def test_a_page_follows_the_users_permissions_not_their_group(client):
    seller = UserFactory(username="seller")
    seller.user_permissions.add(Permission.objects.get(codename="add_packageassignment"))
    client.force_login(seller)

    assert client.get("/assign-packages").status_code == 200
    assert client.get("/integrated-billing").status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_user_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_user_without_a_role_is_refused_in_words(client, nobody, path):
    client.force_login(nobody)

    response = client.get(path)

    assert response.status_code == 403
    assert "neither the Cashier nor the Manager role" in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("slash", ["", "/"])
def test_cashier_reaches_every_page_with_and_without_the_slash(client, cashier, path, slash):
    client.force_login(cashier)

    response = client.get(path + slash)

    assert response.status_code == 200


def test_login_page_signs_a_cashier_in_and_sends_them_to_billing(client, cashier):
    assert client.get("/login").status_code == 200

    response = client.post("/login", {"username": "cashier-test", "password": "pass-1234"})

    assert response.status_code == 302
    assert response["Location"] == "/integrated-billing"
    assert client.get("/integrated-billing").status_code == 200


def test_login_page_says_when_the_password_is_wrong(client, cashier):
    response = client.post("/login", {"username": "cashier-test", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_signs_the_user_out(client, cashier):
    client.force_login(cashier)

    response = client.post("/logout")

    assert response.status_code == 302
    assert client.get("/integrated-billing").status_code == 302


def test_home_sends_a_signed_in_user_to_the_billing_counter(client, cashier):
    client.force_login(cashier)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/integrated-billing"


def test_cashier_top_bar_shows_the_three_pages_but_not_the_admin(client, cashier):
    client.force_login(cashier)

    html = client.get("/integrated-billing").content.decode()

    assert 'data-nav="billing"' in html and 'data-nav="assign"' in html and 'data-nav="packages"' in html
    assert 'data-nav="admin"' not in html


def test_manager_top_bar_also_shows_the_admin(client):
    manager = UserFactory(username="boss", groups=["Manager"], is_staff=True)
    client.force_login(manager)

    html = client.get("/integrated-billing").content.decode()

    assert 'data-nav="admin"' in html


def test_cashier_sees_the_templates_and_assign_buttons_but_no_create_form(client, cashier):
    template = ServicePackageFactory(name="3+1 Facial Package")
    client.force_login(cashier)

    html = client.get("/packages").content.decode()

    assert "3+1 Facial Package" in html
    assert f"/assign-packages?package_type=service_package&amp;package_id={template.pk}" in html
    assert "template-form" not in html


def test_manager_gets_a_create_form_for_every_kind(client, manager):
    client.force_login(manager)

    html = client.get("/packages").content.decode()

    for kind in ["prepaid", "service_package", "membership", "student_offer", "yearly_membership", "kitty_party"]:
        assert f'class="template-form" data-kind="{kind}"' in html


def test_packages_page_lists_the_server_computed_figures(client, cashier):
    ServicePackageFactory(name="3+1 Facial Package", pay_for=3, total_services=4)
    PrepaidPackageFactory(name="Prepaid 15000", actual_price=inr("15000"), after_value=inr("17500"))
    client.force_login(cashier)

    html = client.get("/packages").content.decode()

    assert "4 sessions (1 free)" in html
    assert "33.33%" in html
    assert "₹15,000.00" in html and "₹17,500.00 credit" in html
    assert "16.67%" in html


def test_computed_figures_come_from_the_model(client, manager):
    client.force_login(manager)

    service = client.get("/packages/computed", {"package_type": "service_package", "pay_for": 3, "total_services": 4})
    prepaid = client.get("/packages/computed", {"package_type": "prepaid", "actual_price": "15000", "after_value": "17500"})
    kitty = client.get("/packages/computed", {"package_type": "kitty_party", "price": "20000", "after_value": "25000"})

    assert service.json() == {"success": True, "free_sessions": 1, "benefit_percent": "33.33"}
    assert prepaid.json()["benefit_percent"] == "16.67"
    assert kitty.json()["benefit_percent"] == "25.00"


def test_computed_figures_are_empty_for_figures_the_model_would_refuse(client, manager):
    client.force_login(manager)

    response = client.get("/packages/computed", {"package_type": "service_package", "pay_for": 4, "total_services": 4})
    garbage = client.get("/packages/computed", {"package_type": "prepaid", "actual_price": "abc", "after_value": "1"})

    assert response.json() == {"success": True, "free_sessions": None, "benefit_percent": None}
    assert garbage.json()["benefit_percent"] is None


def test_computed_figures_are_for_managers_only(client, cashier):
    client.force_login(cashier)

    assert client.get("/packages/computed", {"package_type": "prepaid"}).status_code == 403








def test_memberships_list_their_included_services(client, cashier):
    massage = ServiceFactory(name="Swedish Massage")
    MembershipFactory(name="Gold Membership", services_included=[massage])
    KittyPartyFactory(name="Kitty Party", services_included=[massage])
    client.force_login(cashier)

    html = client.get("/packages").content.decode()

    assert "Unlimited: Swedish Massage" in html
    assert "10+ guests: Swedish Massage" in html












def test_both_counters_offer_the_payment_methods_of_the_one_list(client, cashier):
    from core.payments import PaymentMethod

    tendered = [(method.value, method.label) for method in PaymentMethod if method != PaymentMethod.PREPAID_CREDIT]
    client.force_login(cashier)

    counter = client.get("/integrated-billing").content.decode()
    counter_select = counter[counter.index('id="id_pay-0-method"') : counter.index("</select>", counter.index('id="id_pay-0-method"'))]
    sale_page = client.get("/assign-packages").content.decode()
    method_select = sale_page[sale_page.index('name="method"') : sale_page.index("</select>", sale_page.index('name="method"'))]

    # The counter chooses no method for the cashier: its first option asks.
    assert re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', counter_select) == tendered
    assert re.findall(r'<option value="(\w+)">([^<]+)</option>', method_select) == tendered
