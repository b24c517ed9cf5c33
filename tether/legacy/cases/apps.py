from django.apps import AppConfig


class CasesConfig(AppConfig):
    """The migration history of the missing/wanted case tables, now models of ``tether.casework``."""

    name = "tether.legacy.cases"
    label = "cases"
