from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "tether.tracing"
    label = "tracing"
    verbose_name = "Tracing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the daily sweep deletes partner extracts whose retention has ended (audited), through casework's hook
        from tether.casework.services import register_sweep_step

        from .services import sweep_step

        register_sweep_step("tracing", sweep_step)
