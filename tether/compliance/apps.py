from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "tether.compliance"
    label = "compliance"
