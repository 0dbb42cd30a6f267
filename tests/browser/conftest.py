"""Playwright in Debian's Chromium against pytest-django's live server."""
import os

# Playwright's sync API runs an event loop; Django refuses ORM calls inside one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from tests.factories import (  # noqa: E402
    CustomerFactory,
    ProductFactory,
    ServiceFactory,
    ServicePackageFactory,
    UserFactory,
    inr,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-1234"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}}


# Reports every Content-Security-Policy violation, in the page and in its frames (the receipt).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${document.location.pathname}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def page(page):
    """The test's page; every browser test fails if the page broke the Content-Security-Policy.

    The violations seen so far are `page.csp_violations`: the `securitypolicyviolation` events of
    the page and its frames, and Chromium's console reports of blocked content.
    """
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.csp_violations = violations
    page.expose_function("__cspViolation", lambda text: violations.append(text))
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda message: _note_csp_report(violations, message.text))
    yield page
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


def _note_csp_report(violations: list[str], text: str) -> None:
    if "Content Security Policy" in text:
        violations.append(text)


@pytest.fixture
def shop(transactional_db):
    """A small spa: a facial, a massage, a product, a 3+1 template, a customer, a cashier and a manager.

    Transactional tests flush the database, groups included, so the users' groups are made
    here with their permissions (UserFactory, tests.factories.role_group) rather than
    trusted to the data migration.
    """
    return {
        "facial": ServiceFactory(name="Hydrating Facial", price=inr("1200.00")),
        "massage": ServiceFactory(name="Swedish Massage", price=inr("2500.00"), category="Body"),
        "serum": ProductFactory(name="Vitamin C Serum", price=inr("850.00")),
        "template": ServicePackageFactory(name="3+1 Facial Package", pay_for=3, total_services=4),
        "customer": CustomerFactory(name="Asha Rao", phone="+919845012345"),
        "cashier": UserFactory(username="cashier", first_name="Ravi", groups=["Cashier"]),
        "manager": UserFactory(username="manager", first_name="Priya", groups=["Manager"], is_staff=True),
    }


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the login page; return a function that opens a path on the live server."""

    def sign_in_as(username: str, path: str = "/integrated-billing"):
        page.goto(f"{live_server.url}/login?next={path}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}{path}")
        return page

    return sign_in_as
