from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tether.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
