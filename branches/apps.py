from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "Branches"

    def ready(self):
        from . import checks  # noqa: F401  (registers the number-format check)
