from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders"

    def ready(self):
        from . import checks, receivers  # noqa: F401 - registers the checks, connects the receivers of package news
