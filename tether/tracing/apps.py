from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "tether.tracing"
    label = "tracing"
    verbose_name = "Tracing"
    default_auto_field = "django.db.models.BigAutoField"
