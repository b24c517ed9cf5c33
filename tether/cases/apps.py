from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tether.cases"
    label = "cases"
