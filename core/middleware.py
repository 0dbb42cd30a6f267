"""Middleware the whole site shares: the API's answer to oversized bodies, and no caching of customer data."""
from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_cache_control

from core.api import error_body
from core.routing import is_api_path


def too_large_response() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse(error_body(f"The request body is too large: at most {limit:,} bytes."), status=413)


class ApiBodyLimitMiddleware:
    """Refuse an API body over DATA_UPLOAD_MAX_MEMORY_SIZE with the JSON error body (413).

    Django raises RequestDataTooBig when something reads such a body (the CSRF check, a form
    parser) and answers with its HTML 400 page; an integrator must get JSON. Django decides by
    the declared Content-Length, so checking it before anything reads the body is enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_path(request.path_info) and self.declared_length(request) > self.limit():
            return too_large_response()
        return self.get_response(request)

    @staticmethod
    def limit() -> float:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return float("inf") if limit is None else limit

    @staticmethod
    def declared_length(request) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0


class NoStoreMiddleware:
    """Add `Cache-Control: no-store` to every response Django makes.

    Nearly every page and answer carries customer data (names, phones, balances, receipts),
    and none may stay in a browser's or a proxy's cache on a shared counter computer.
    Static files never get here: whitenoise answers them earlier, with their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response
