"""Receipt documents: HTML at /receipts/<id>, PDF at /receipts/<id>/download."""

urlpatterns = []
