"""Server-rendered pages for managers and cashiers; each answers with and without a trailing slash."""
from billing import views as billing_views
from branches import views as branch_views
from packages import views as package_views
from reports import views as report_views
from spa_pkg import views
from spa_pkg.routing import both

urlpatterns = [
    both(r"", views.home, name="home"),
    both(r"login", views.login, name="login"),
    both(r"logout", views.logout, name="logout"),
    both(r"branch", branch_views.branch_pick, name="branch-pick"),
    both(r"packages", package_views.packages_page, name="packages"),
    both(r"packages/computed", package_views.computed_figures, name="package-computed"),
    both(r"assign-packages", package_views.assign_packages_page, name="assign-packages"),
    both(r"integrated-billing", billing_views.integrated_billing_page, name="integrated-billing"),
    both(r"reports", report_views.reports_page, name="reports"),
]
