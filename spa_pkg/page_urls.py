"""Server-rendered pages for managers and cashiers; each answers with and without a trailing slash."""
from billing import sale_page
from billing import views as billing_views
from branches import views as branch_views
from core.routing import ID, both
from customers import views as customer_views
from packages import views as package_views
from reports import views as report_views
from spa_pkg import views

urlpatterns = [
    both(r"", views.home, name="home"),
    both(r"login", views.login, name="login"),
    both(r"logout", views.logout, name="logout"),
    both(r"branch", branch_views.branch_pick, name="branch-pick"),
    # The sale and template pages and the customer picker (the "pages" part of issue 10).
    both(r"packages", package_views.packages_page, name="packages"),
    both(r"packages/computed", package_views.computed_figures, name="package-computed"),
    both(r"packages/new/(?P<package_type>\w+)", package_views.template_create, name="package-create"),
    both(r"assign-packages", sale_page.assign_packages_page, name="assign-packages"),
    both(r"assign-packages/details", sale_page.sale_details, name="assign-packages-details"),
    both(r"customers/picker", customer_views.customer_picker, name="customer-picker"),
    both(r"customers/search", customer_views.customer_search_results, name="customer-search"),
    both(r"customers/new", customer_views.customer_new, name="customer-new"),
    both(r"customers/consent", customer_views.customer_consent, name="customer-consent"),

    # The counter and its htmx partials.
    both(r"integrated-billing", billing_views.integrated_billing_page, name="integrated-billing"),
    both(r"integrated-billing/cart", billing_views.counter_cart, name="counter-cart"),
    both(r"integrated-billing/issue", billing_views.counter_issue, name="counter-issue"),
    both(rf"integrated-billing/history/(?P<assignment_id>{ID})", billing_views.counter_history, name="counter-history"),
    both(rf"integrated-billing/void/(?P<invoice_id>{ID})", billing_views.counter_void, name="counter-void"),
    both(r"reports", report_views.reports_page, name="reports"),
    both(r"reports/files", report_views.accountant_files_page, name="accountant-files"),
    both(
        r"reports/files/(?P<month>\d{4}-\d{2})/(?P<branch>[A-Z0-9]{2,6})/(?P<name>[a-z0-9_]+\.(?:csv|xlsx|xml))",
        report_views.accountant_file,
        name="accountant-file",
    ),
]
