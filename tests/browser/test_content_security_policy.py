"""Every page works under the Content-Security-Policy: no inline script, handler or style is blocked.

The `page` fixture (conftest) fails any browser test on a violation; this module opens every
kind of page once, including the third-party ones (Django admin, Swagger UI at /api/docs/).
"""
import pytest
from playwright.sync_api import expect

from billing.services import PaymentIn, assignment_sell
from tests.browser.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sale(shop):
    return assignment_sell(
        customer=shop["customer"], template=shop["template"], service=shop["facial"], user=shop["manager"],
        payment=PaymentIn(method="cash"),
    )


@pytest.fixture
def owner(shop):
    """A superuser: transactional tests flush the groups' admin permissions, a superuser needs none."""
    return UserFactory(username="owner", is_staff=True, is_superuser=True)


def visit(page, url):
    """Open `url`, wait until it has settled, and return the response after checking its policy."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, url
    assert "frame-ancestors 'self'" in policy, url
    assert "'unsafe-inline'" not in policy, url
    return response


def assert_no_violations(page, where):
    page.wait_for_timeout(200)  # violation reports arrive asynchronously
    assert page.csp_violations == [], where


def test_the_policy_is_enforced_and_a_violation_is_seen(page, live_server):
    """The detector works: an injected inline script is blocked and reported."""
    visit(page, f"{live_server.url}/login")

    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.body.appendChild(script);
    }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.__inlineRan") is None
    assert any("script-src" in violation for violation in page.csp_violations)
    page.csp_violations.clear()


def test_every_page_loads_without_a_violation(page, live_server, sign_in, sale, owner):
    base = live_server.url
    visit(page, f"{base}/login")
    assert_no_violations(page, "/login")

    sign_in("owner", "/integrated-billing")
    receipt = sale.receipt.pk
    pages = [
        "/integrated-billing",
        "/assign-packages",
        "/packages",
        "/reports",
        f"/receipts/{receipt}",
        f"/receipts/{receipt}?format=thermal",
        "/receipts/999999",  # the receipt's "not found" page
        "/admin/",
        "/admin/packages/packageassignment/",
        f"/admin/packages/packageassignment/{sale.assignment.pk}/change/",
        "/admin/packages/packageassignment/assign/",
        "/admin/customers/customer/add/",
        "/admin/axes/accessattempt/",
    ]
    for path in pages:
        visit(page, f"{base}{path}")
        assert_no_violations(page, path)


def test_the_admin_scripts_still_work(page, live_server, sign_in, shop, owner):
    sign_in("owner", "/admin/packages/packageassignment/assign/")

    # admin-assign.js hides the service field unless a service package is chosen.
    service_row = page.locator(".field-service")
    expect(service_row).to_be_visible()
    template = page.locator("#id_template option").filter(has_text="3+1 Facial Package").first
    page.select_option("#id_template", template.get_attribute("value"))
    expect(service_row).to_be_visible()
    assert_no_violations(page, "admin assign")


def test_swagger_ui_renders_the_api_docs(page, live_server, sign_in, owner):
    sign_in("owner", "/integrated-billing")

    visit(page, f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("spa_pkg API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert_no_violations(page, "/api/docs/")


def test_the_receipt_may_be_framed_by_our_own_pages_only(page, live_server, sign_in, sale, owner):
    sign_in("owner", "/integrated-billing")
    receipt_url = f"{live_server.url}/receipts/{sale.receipt.pk}"
    frame = f'<iframe id="receipt" src="{receipt_url}"></iframe>'

    page.set_content(frame)  # a document of our own origin, as on the billing page
    expect(page.frame_locator("#receipt").locator("[data-print]")).to_be_visible()

    page.goto("about:blank")  # another origin, with no policy of its own
    page.set_content(frame)
    page.wait_for_timeout(500)

    # Neither the receipt nor (no cookie crosses sites) the login page shows: frame-ancestors 'self'.
    assert page.frame_locator("#receipt").locator("[data-print], form").count() == 0


def test_the_receipt_prints_through_its_static_script(page, live_server, sign_in, sale, owner):
    sign_in("owner", f"/receipts/{sale.receipt.pk}")
    page.evaluate("window.print = () => { window.__printed = true; }")

    page.click("[data-print]")

    assert page.evaluate("window.__printed") is True
    assert_no_violations(page, "receipt")


def test_the_forbidden_and_lockout_pages_pass(page, live_server, shop, sale):
    cashier = shop["cashier"]
    page.goto(f"{live_server.url}/login?next=/packages/computed")
    page.fill("#id_username", cashier.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert_no_violations(page, "403 page")

    page.context.clear_cookies()
    plain = UserFactory(username="no-role")
    page.goto(f"{live_server.url}/login?next=/receipts/{sale.receipt.pk}")
    page.fill("#id_username", plain.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Not allowed")
    assert_no_violations(page, "receipt forbidden page")

    page.context.clear_cookies()
    for n in range(5):
        page.goto(f"{live_server.url}/login")
        page.fill("#id_username", "manager")
        page.fill("#id_password", f"guess-{n}")
        page.click("button[type=submit]")
    expect(page.locator("[data-testid=lockout-message]")).to_contain_text("Try again after")
    assert_no_violations(page, "lockout page")
