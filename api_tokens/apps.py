from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "api_tokens"
    verbose_name = "API tokens"

    def ready(self):
        from . import receivers  # noqa: F401  (a token's life row; a changed password revokes tokens)
