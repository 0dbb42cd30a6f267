"""The customer's side: /my/<token> and its pages, /privacy. No id in any path."""
from core.routing import both

from . import views

# A signed token: the page key (URL-safe base64), the timestamp and the signature, ':'-separated.
TOKEN = r"(?P<token>[A-Za-z0-9_\-:]{1,200})"
# A document's printed number (e.g. IND/26-27/00012), looked up among the customer's own.
NUMBER = r"(?P<number>[A-Za-z0-9/\-_]{1,40})"

urlpatterns = [
    both(r"privacy", views.privacy, name="privacy"),
    both(r"my/new-link", views.new_link_by_phone, name="portal-new-link"),
    # Staff: the counter's "Send my packages" (the customer is the one being billed).
    both(r"integrated-billing/send-link", views.counter_send_link, name="counter-send-link"),
    both(rf"my/{TOKEN}", views.page, name="portal-page"),
    both(rf"my/{TOKEN}/new-link", views.new_link_expired, name="portal-new-link-expired"),
    both(rf"my/{TOKEN}/sign-in", views.sign_in, name="portal-sign-in"),
    both(rf"my/{TOKEN}/history", views.history, name="portal-history"),
    both(rf"my/{TOKEN}/documents", views.documents, name="portal-documents"),
    both(rf"my/{TOKEN}/documents/{NUMBER}\.pdf", views.document_pdf, name="portal-document"),
    both(rf"my/{TOKEN}/preferences", views.preferences, name="portal-preferences"),
]
