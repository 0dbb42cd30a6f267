from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from branches.switching import register

        from . import checks  # noqa: F401  (registers the system checks)
        from .counter import bill_in_progress

        register(bill_in_progress)  # the branch page asks before the counter's bill moves
