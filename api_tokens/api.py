"""POST /api/auth/token/: a username and password in, `{"token": "..."}` out, as integrators already use it."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, permissions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.api import ErrorSerializer
from core.logins import LoginLockedOut
from core.parsers import TextSafeJSONParser

from .services import token_for_sign_in


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>`. It expires API_TOKEN_TTL_DAYS (30) days after "
        "its last use and when the password changes; then sign in here again."
    )


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for the user's API token (throttled, and locked out like /login)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [TextSafeJSONParser, parsers.FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many attempts from this address, or too many failed sign-ins for this "
                "username from it; wait Retry-After seconds.",
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # authenticate() ran under axes, which flags this (DRF) request once the username
            # and address are locked out; the right password is refused then too.
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut(request) from None
            raise
        return Response({"token": token_for_sign_in(user=serializer.validated_data["user"]).key})
