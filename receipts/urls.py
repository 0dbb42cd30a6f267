"""Receipt documents: HTML at /receipts/<id>, PDF at /receipts/<id>/download."""
from core.routing import ID, both

from . import views

urlpatterns = [
    both(rf"receipts/(?P<pk>{ID})", views.receipt_detail, name="receipt-detail"),
    both(rf"receipts/(?P<pk>{ID})/download", views.receipt_download, name="receipt-download"),
]
