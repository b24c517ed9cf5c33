from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tether.reports"
    label = "reports"
