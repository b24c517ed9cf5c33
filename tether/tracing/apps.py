from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "tether.tracing"
    label = "tracing"
    verbose_name = "Tracing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the daily sweep deletes partner extracts whose retention has ended (audited), through casework's hook
        # and the person page lists the registrant's leads (a register panel)
        from tether.casework.services import register_sweep_step
        from tether.register import extensions

        from .selectors import person_panel
        from .services import sweep_step

        register_sweep_step("tracing", sweep_step)
        extensions.register_person_panel("tracing", person_panel)
