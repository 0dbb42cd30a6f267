"""The customer's own page at /my/<token>: balances by the link alone; the rest after a code by SMS.

No id appears in a path: the token names the customer (customers/links.py) and a document is
named by its printed number, looked up among that customer's documents only. A wrong or
expired link says so and offers a new one (docs/customers-side.md).
"""
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from billing import counter
from core.logins import client_ip
from core.permissions import permission_required
from core.phones import format_phone
from customers.links import LinkExpired, LinkInvalid, customer_for_token
from customers.models import Customer
from customers.validators import normalise_phone
from receipts.models import Receipt
from receipts.pdf import render_receipt_pdf

from . import selectors, services

# The parts of the page behind a code, by the name the sign-in's `next` may carry.
PRIVATE = {"history": "portal-history", "documents": "portal-documents", "preferences": "portal-preferences"}
SENT_ANYWAY = "If this number is ours, a new link is on its way to it by SMS."
TOO_OFTEN = "Too many requests from here. Please wait a few minutes and try again."


def phone_tail(customer: Customer) -> str:
    """The last digits of the phone on file, to say where an SMS goes without showing the number."""
    return customer.phone[-2:] if customer.phone else ""


def _private_headers(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer to another site
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def customer_page(view):
    """Resolve the token to its customer, or answer with the wrong-link or expired-link page."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            customer = customer_for_token(token)
        except LinkExpired as expired:
            return _private_headers(
                render(request, "portal/expired.html", {"token": token, "tail": phone_tail(expired.customer), "link_days": settings.CUSTOMER_LINK_DAYS}, status=410)
            )
        except LinkInvalid:
            return _private_headers(render(request, "portal/wrong.html", {"form": PhoneForm()}, status=404))
        return _private_headers(view(request, customer, token, *args, **kwargs))

    return never_cache(wrapper)


def signed_in_page(name: str):
    """The page needs a code: without one, go to the sign-in page, which comes back here."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, customer, token, *args, **kwargs):
            if not services.is_signed_in(request.session, customer):
                return redirect(f"{reverse('portal-sign-in', args=[token])}?next={name}")
            return view(request, customer, token, *args, **kwargs)

        return wrapper

    return decorate


@require_safe
@customer_page
def page(request, customer, token):
    """The packages: balance, progress, expiry and status of each."""
    context = {
        "customer": customer,
        "token": token,
        "packages": selectors.page_packages(customer),
        "signed_in": services.is_signed_in(request.session, customer),
    }
    return render(request, "portal/page.html", context)


class PhoneForm(forms.Form):
    phone = forms.CharField(label="Your mobile number", max_length=20)

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError("Enter your 10-digit mobile number, e.g. 98450 12345.") from None


@require_POST
@never_cache
def new_link_by_phone(request):
    """A wrong link: the customer types their phone; the answer never says whether we know it."""
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _private_headers(render(request, "portal/wrong.html", {"form": form}, status=400))
    phone = form.cleaned_data["phone"]
    if services.asked_too_often(what="link", phone=phone, address=client_ip(request) or ""):
        return _private_headers(render(request, "portal/wrong.html", {"form": form, "alert": TOO_OFTEN}, status=429))
    customer = Customer.objects.filter(phone=phone).first()
    if customer is not None:
        services.link_request(customer)
    return _private_headers(render(request, "portal/wrong.html", {"sent": SENT_ANYWAY}))


@require_POST
@never_cache
def new_link_expired(request, token):
    """An expired link: we know whose it was, so a new one goes to the phone on file."""
    try:
        customer = customer_for_token(token)
    except LinkExpired as expired:
        customer = expired.customer
    except LinkInvalid:
        return _private_headers(render(request, "portal/wrong.html", {"form": PhoneForm()}, status=404))
    context = {"token": token, "tail": phone_tail(customer), "link_days": settings.CUSTOMER_LINK_DAYS}
    if services.asked_too_often(what="link", phone=customer.phone, address=client_ip(request) or ""):
        return _private_headers(render(request, "portal/expired.html", {**context, "alert": TOO_OFTEN}, status=429))
    services.link_request(customer)
    return _private_headers(render(request, "portal/expired.html", {**context, "sent": True}))


class CodeForm(forms.Form):
    code = forms.CharField(label="6-digit code", max_length=12)


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
def sign_in(request, customer, token):
    """Send a code to the phone on file, then take it: 10 minutes, 5 tries, limited per phone and address."""
    next_name = request.GET.get("next") or request.POST.get("next") or ""
    if next_name not in PRIVATE:
        next_name = "history"
    context = {"customer": customer, "token": token, "next": next_name, "tail": phone_tail(customer), "form": CodeForm()}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "send":
        if services.asked_too_often(what="code", phone=customer.phone, address=client_ip(request) or ""):
            context["alert"], status = TOO_OFTEN, 429
        else:
            services.code_request(customer)
            context["sent"] = True
    elif request.method == "POST":
        form = CodeForm(request.POST)
        context["form"], context["sent"] = form, True
        if form.is_valid():
            check = services.code_check(customer, form.cleaned_data["code"])
            if check.ok:
                services.sign_in(request.session, customer)
                return redirect(PRIVATE[next_name], token)
            context["alert"], status = check.message, 400
            context["used_up"] = check.message in (services.USED_UP, services.EXPIRED, services.NONE_SENT)
        else:
            status = 400
    return render(request, "portal/sign_in.html", context, status=status)


@require_safe
@customer_page
@signed_in_page("history")
def history(request, customer, token):
    context = {"customer": customer, "token": token, "history": selectors.page_history(customer)}
    return render(request, "portal/history.html", context)


@require_safe
@customer_page
@signed_in_page("documents")
def documents(request, customer, token):
    context = {"customer": customer, "token": token, "documents": selectors.page_documents(customer)}
    return render(request, "portal/documents.html", context)


@require_safe
@customer_page
@signed_in_page("documents")
def document_pdf(request, customer, token, number):
    """One of the customer's own documents as a PDF; any other number is "not found"."""
    try:
        receipt = selectors.page_document(customer, number)
    except Receipt.DoesNotExist:
        context = {"customer": customer, "token": token, "message": "We have no document with that number for you."}
        return render(request, "portal/not_found.html", context, status=404)
    paper = "thermal" if request.GET.get("format") == "thermal" else "a4"
    response = HttpResponse(render_receipt_pdf(receipt, paper=paper), content_type="application/pdf")
    filename = receipt.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@customer_page
@signed_in_page("preferences")
def preferences(request, customer, token):
    """The customer's own choice of reminders (expiry and balance), taking effect at once."""
    saved = False
    if request.method == "POST":
        services.reminders_set(customer, wanted=request.POST.get("reminders") == "yes")
        saved = True
    context = {"customer": customer, "token": token, "saved": saved, "phone": format_phone(customer.phone)}
    return render(request, "portal/preferences.html", context)


@require_safe
def privacy(request):
    """What the spa keeps about its customers, why, and for how long (public)."""
    context = {"retention_months": settings.TAX_RECORD_MONTHS, "link_days": settings.CUSTOMER_LINK_DAYS}
    return render(request, "portal/privacy.html", context)


@require_POST
@permission_required("bill")
def counter_send_link(request):
    """The counter's "Send my packages": queue an SMS with the link to the customer being billed."""
    customer_id = counter.load(request).get("customer_id")
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        message, status = "Choose a customer first.", 400
    else:
        services.link_request(customer)
        message, status = f"Link to their packages sent by SMS to {format_phone(customer.phone)}.", 200
    if request.headers.get("HX-Request"):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return redirect("integrated-billing")
