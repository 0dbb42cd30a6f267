"""Receipt documents for a logged-in session or an API token (an integrator follows receipt_url).

Anonymous browsers go to the login page; API-style requests (an Authorization header or
`Accept: application/json`) get the JSON error body of the contract instead.
"""
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import AuthenticationFailed

from api_tokens.authentication import TokenAuthentication
from core.permissions import PERMISSIONS

from .models import Receipt
from .pdf import render_receipt_pdf
from .selectors import receipt_document, receipt_get

PAPERS = ("a4", "thermal")


def wants_json(request) -> bool:
    return "HTTP_AUTHORIZATION" in request.META or "application/json" in request.META.get("HTTP_ACCEPT", "")


def json_error(message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"success": False, "error": message, "errors": {}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def document_view(view):
    """Authenticate by session or token, check the permission, load the receipt; answer errors per client."""
    permission = PERMISSIONS["read_receipts"]

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        user = request.user
        try:
            # A token wins over the session: the integrator's identity is the one it sent.
            authenticated = TokenAuthentication().authenticate(request)
        except AuthenticationFailed as exc:
            return json_error(str(exc.detail), 401, WWW_Authenticate="Token")
        if authenticated is not None:
            user = authenticated[0]
        if not user.is_authenticated:
            if wants_json(request):
                return json_error("Authentication credentials were not provided.", 401, WWW_Authenticate="Token")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not user.has_perm(permission):
            message = "You do not have permission to see receipts."
            if wants_json(request):
                return json_error(message, 403)
            return render(request, "receipts/forbidden.html", {"message": message}, status=403)
        try:
            receipt = receipt_get(receipt_id=pk, user=user)
        except Receipt.DoesNotExist:
            message = "No receipt has this id."
            if wants_json(request):
                return json_error(message, 404)
            return render(request, "receipts/not_found.html", {"message": message}, status=404)
        return view(request, receipt, *args, **kwargs)

    wrapper.required_permissions = {permission}
    return wrapper


def paper_from(request, default: str = "a4") -> str:
    paper = request.GET.get("format", "").lower()
    return paper if paper in PAPERS else default


@document_view
def receipt_detail(request, receipt):
    """Show the document as a printable page: A4, or `?format=thermal` for an 80 mm roll.

    Without a format the page holds both: A4 on a wide screen and on paper, the 80 mm slip on a
    narrow screen (a tablet's receipt frame), so nothing is cut off on the right.
    """
    context = receipt_document(receipt)
    paper = paper_from(request, default="auto")
    context.update(paper="thermal" if paper == "thermal" else "a4", auto_paper=paper == "auto")
    return render(request, "receipts/receipt.html", context)


@document_view
def receipt_download(request, receipt):
    """Send the document as a PDF (`?format=thermal` for an 80 mm roll, `?inline=1` to view)."""
    paper = paper_from(request)
    pdf = render_receipt_pdf(receipt, paper=paper)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-80mm" if paper == "thermal" else ""
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{receipt.number}{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
