from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tether.audit"
    label = "audit"

    def ready(self) -> None:
        # access (below the audit trail) reports sign-ins, two-factor and token events through this hook
        from tether.access import events

        from .services import record

        events.install(record)
