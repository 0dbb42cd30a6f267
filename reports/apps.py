from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports an owner runs the business on; this app only reads."""

    name = "reports"
