from django.apps import AppConfig


class PackagesConfig(AppConfig):
    name = "packages"

    def ready(self):
        from . import signals  # noqa: F401  (connects the status receiver)
