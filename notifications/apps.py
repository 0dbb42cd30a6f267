from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the receivers of package news
