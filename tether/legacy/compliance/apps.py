from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The migration history of the breach, task and playbook tables, now models of ``tether.casework``."""

    name = "tether.legacy.compliance"
    label = "compliance"
