"""What every API view shares: the error body, money fields, the router (permissions: core.permissions).

Errors always answer `{"success": false, "error": "...", "errors": {path: [...]}}`. The keys
of `errors` are dotted paths into the request body (`items.0.quantity`), so a page can put
each message next to the field that caused it.
"""
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from djmoney.money import Money
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, routers, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from core.exceptions import DomainError
from core.forms import ID_MAX
from core.money import money_str

NON_FIELD = "non_field_errors"


# --- errors -------------------------------------------------------------------------------


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into `{"items.0.quantity": ["..."]}`."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            key = NON_FIELD if key == "__all__" else str(key)
            # A nested list's own error belongs to it: "items", not "items.non_field_errors".
            path = (prefix if key == NON_FIELD else f"{prefix}.{key}") if prefix else key
            for field, messages in flatten_errors(value, path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            return {prefix or NON_FIELD: [str(item) for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                flat.setdefault(prefix or NON_FIELD, []).append(str(item))
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def headline(errors: dict[str, list[str]], fallback: str) -> str:
    """Return one sentence for the `error` key: the first message, with its field."""
    for key, messages in errors.items():
        if messages:
            return messages[0] if key == NON_FIELD else f"{key}: {messages[0]}"
    return fallback


def error_body(message: str, errors: dict | None = None) -> dict:
    return {"success": False, "error": message, "errors": errors or {}}


def api_exception_handler(exc, context):
    """Answer every refusal with the one error body; leave real server faults to Django."""
    if isinstance(exc, DomainError):
        set_rollback()
        errors = flatten_errors(exc.errors) if exc.errors else {}
        return Response(error_body(exc.message, errors), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RecursionError):
        # json.loads on a body nested thousands deep: DRF's parser only catches ValueError.
        exc = exceptions.ParseError("JSON parse error - the body is nested too deeply.")
    elif isinstance(exc, DataError):
        # A number too large for its column (e.g. an absurd quantity times a price).
        exc = exceptions.ValidationError("A value is out of range.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        message = headline(errors, "The request is not valid.")
    else:
        errors = {}
        message = str(exc.detail)
    set_rollback()
    return Response(error_body(message, errors), status=exc.status_code, headers=headers)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Answer an unknown API path with the JSON error body instead of an HTML page.

    Exempt from the CSRF check: it writes nothing, and an integrator's POST with a token
    (which carries no CSRF cookie) must get this 404, not Django's HTML CSRF refusal.
    """
    return JsonResponse(error_body("Not found."), status=404)


# --- fields and serializers ---------------------------------------------------------------

AMOUNT_MAX_DIGITS = 12


class MoneyAmountField(serializers.DecimalField):
    """Rupees as a two-place decimal string ("1200.00"); reads into a `Money` in INR."""

    def __init__(self, *, as_money: bool = True, **kwargs):
        kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        self.as_money = as_money
        super().__init__(**kwargs)

    def to_representation(self, value):
        # Not DRF's quantize: it raises on more digits than `max_digits`, and an answer
        # must never fail on a stored figure. Half-up to the paisa, as everywhere.
        if isinstance(value, Money):
            value = value.amount
        return money_str(value)

    def run_validation(self, data=serializers.empty):
        # Validators (min_value) compare Decimals, so the Money is made after them.
        amount = super().run_validation(data)
        return Money(amount, "INR") if self.as_money and amount is not None else amount


def amount_field(**kwargs) -> serializers.DecimalField:
    """Return an input amount: a decimal >= 0 with at most two places, kept as a Decimal."""
    return MoneyAmountField(as_money=False, **kwargs)


def id_field(**kwargs) -> serializers.IntegerField:
    """Return an input id: a positive integer that fits a database key."""
    kwargs.setdefault("min_value", 1)
    return serializers.IntegerField(max_value=ID_MAX, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """Filter on an id: a positive whole number (no decimals, nothing beyond a database key)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field; keys are dotted paths into the request body (items.0.quantity).",
    )


def envelope(name: str, **fields) -> type[serializers.Serializer]:
    """Return a named response serializer `{"success": true, **fields}` for the schema."""
    attrs = {"success": serializers.BooleanField(default=True), **fields}
    # One object even on a list action (the schema would otherwise make it an array).
    return extend_schema_serializer(many=False)(type(name, (serializers.Serializer,), attrs))


# --- schema --------------------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    "400": "Bad input: malformed JSON, missing or wrong fields, unknown ids, or a refusal by the rules.",
    "401": "No or wrong credentials, or a token expired or revoked (sign in again at /api/auth/token/).",
    "403": "Signed in without the role this needs.",
    "404": "No such object, or no such path.",
}


class ApiSchema(AutoSchema):
    """Document the error body for 400, 401, 403 and 404 on every operation.

    A serializer with `refuse_unknown_fields = True` answers a field it does not know with
    a 400, so its request body is documented as closed (`additionalProperties: false`).
    """

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and getattr(serializer, "refuse_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_DESCRIPTIONS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


def strip_trailing_slashes(result, generator, request, public):
    """Postprocessing hook: document each path without its optional trailing slash.

    Also give every id in a path an example (1), so that tools trying the examples
    (schemathesis, Swagger UI) reach an object of the demo data rather than a 404.
    """
    paths = result.get("paths", {})
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): item for path, item in paths.items()
    }
    for item in result["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"].endswith("id"):
                    parameter.setdefault("example", 1)
    return result


def _receipt_operation(summary: str, media_type: str, description: str) -> dict:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "get": {
            "operationId": summary.lower().replace(" ", "_"),
            "summary": summary,
            "description": description,
            "tags": ["receipts"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["a4", "thermal"]},
                    "description": "Paper: A4 (default) or an 80 mm thermal roll.",
                },
            ],
            "security": [{"tokenAuth": []}, {"cookieAuth": []}],
            "responses": {
                "200": {"description": "The document.", "content": {media_type: {"schema": {"type": "string"}}}},
                **{
                    code: {**error, "description": f"{text} (JSON when asked with Accept: application/json "
                           "or a token; a browser is sent to the login page)."}
                    for code, text in ERROR_DESCRIPTIONS.items()
                    if code != "400"
                },
            },
        }
    }


def document_receipts(result, generator, request, public):
    """Postprocessing hook: describe the receipt documents that every sale answer links to."""
    paths = result.setdefault("paths", {})
    paths["/receipts/{id}"] = _receipt_operation(
        "Receipt page", "text/html", "The receipt or tax invoice as a printable HTML page (receipt_url)."
    )
    paths["/receipts/{id}/download"] = _receipt_operation(
        "Receipt PDF", "application/pdf", "The same document as a PDF (receipt_pdf_url)."
    )
    return result


# --- routing -------------------------------------------------------------------------------


class OptionalSlashRouter(routers.SimpleRouter):
    """A router whose routes answer with and without the trailing slash, without redirects."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


# --- docs pages ----------------------------------------------------------------------------


# drf_spectacular.views needs DEFAULT_SCHEMA_CLASS (this module) loaded first, so the
# docs views that use this mixin are declared in spa_pkg.api_urls.
class JsonRefusalsMixin:
    """An HTML page of the API (the docs) that still refuses with the JSON error body."""

    def perform_content_negotiation(self, request, force=False):
        # Always the page's own renderer: a refusal below must not become a 406 first.
        return super().perform_content_negotiation(request, force=True)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        refusal = JsonResponse(response.data, status=response.status_code)
        for header in ("WWW-Authenticate", "Retry-After"):
            if header in response:
                refusal[header] = response[header]
        return refusal
