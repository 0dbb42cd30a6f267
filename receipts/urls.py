"""Receipt documents: HTML at /receipts/<id>, PDF at /receipts/<id>/download."""
from spa_pkg.routing import both

from . import views

urlpatterns = [
    both(r"receipts/(?P<pk>\d+)", views.receipt_detail, name="receipt-detail"),
    both(r"receipts/(?P<pk>\d+)/download", views.receipt_download, name="receipt-download"),
]
