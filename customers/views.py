"""The customer picker's partials (templates/includes/customer_picker.html), rendered on the server.

The picker searches with the API's own condition (`customer_search`), shows the chosen
customer and keeps the `customer_id` hidden input; picking or clearing answers with an
`HX-Trigger-After-Settle` header that fires the bubbling `customer-picked` event ({id}, or
id null), which the pages listen to.
"""
import json

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import permission_required

from .consent import (
    CHANNEL_WORDS,
    StopLinkInvalid,
    ask_words,
    consent_context,
    consent_record,
    stop_by_link,
    stop_link_read,
    stop_words,
)
from .forms import NewCustomerForm
from .models import ConsentChannel, ConsentSource, ConsentStatus, Customer
from .selectors import customer_search
from .services import InvalidCustomer, customer_create

MIN_QUERY = 2
MAX_RESULTS = 8


def picker_context(
    customer: Customer | None = None, *, error: str = "", new_customer_form=None, focus: bool = False
) -> dict:
    """Return the context the picker template reads (for pages that include it)."""
    return {
        "picker_customer": customer,
        "picker_error": error,
        "new_customer_form": new_customer_form or NewCustomerForm(),
        # After a pick or a clear the old element is gone: focus "Change", or the search box.
        "picker_focus": focus,
    }


def _picker(request, customer: Customer | None):
    response = render(request, "includes/customer_picker.html", picker_context(customer, focus=True))
    # After the swap has settled: the hidden input holds the new id, and a page that moves the focus
    # on (to its next field) does so after the picker's own autofocus.
    picked = {"id": customer.pk if customer else None, "target": "[data-customer-picker]"}
    response["HX-Trigger-After-Settle"] = json.dumps({"customer-picked": picked})
    return response


@permission_required("customers.view_customer")
def customer_picker(request):
    """Answer the picker with a customer chosen (?customer_id=) or, without one, ready to search."""
    customer_id = request.GET.get("customer_id", "")
    customer = get_object_or_404(Customer, pk=customer_id) if customer_id.isdecimal() else None
    return _picker(request, customer)


@permission_required("customers.view_customer")
def customer_search_results(request):
    """Answer the list of customers whose name or phone matches ?q= (at most eight)."""
    query = request.GET.get("q", "").strip()
    customers = []
    if len(query) >= MIN_QUERY:
        customers = list(Customer.objects.filter(customer_search(query)).order_by("name", "pk")[:MAX_RESULTS])
    return render(request, "customers/picker_results.html", {"customers": customers, "query": query})


@permission_required("customers.add_customer")
def customer_new(request):
    """Register the customer typed in the picker and choose them; or show the form's errors."""
    form = NewCustomerForm(request.POST)
    if form.is_valid():
        try:
            customer = customer_create(**form.cleaned_data)
        except InvalidCustomer as error:
            form.add_service_errors(error.errors, error.message)
        else:
            return _picker(request, customer)
    return render(request, "includes/customer_picker.html", picker_context(None, new_customer_form=form))


@require_POST
@permission_required("customers.change_customer")
def customer_consent(request):
    """One tap at the counter or in the picker: the customer said yes to reminders on one channel."""
    customer_id = request.POST.get("customer_id", "")
    customer = get_object_or_404(Customer, pk=customer_id if customer_id.isdecimal() and len(customer_id) <= 18 else 0)
    channel = request.POST.get("channel", "")
    if channel not in ConsentChannel.values:
        return HttpResponseBadRequest("Unknown channel: use email, sms or whatsapp.")
    consent_record(
        customer=customer, channel=channel, status=ConsentStatus.GIVEN, how=ConsentSource.COUNTER,
        words=ask_words(channel), by=request.user,
    )
    return render(request, "customers/consent.html", consent_context(customer))


@csrf_exempt  # no session here: the signed token is the proof, and mail clients' one-click POST has no form token
@require_http_methods(["GET", "POST"])
def stop_reminders(request, token):
    """The opt-out link of every message: GET asks to confirm, POST (the button, or RFC 8058 one-click) withdraws."""
    try:
        customer, channel = stop_link_read(token)
    except StopLinkInvalid:
        return render(request, "customers/stop.html", {"invalid": True, "spa_phone": settings.SPA_PHONE}, status=404)
    done = False
    if request.method == "POST":
        stop_by_link(token)
        done = True
    return render(
        request, "customers/stop.html",
        {"channel": CHANNEL_WORDS[channel], "words": stop_words(channel), "done": done},
    )
