from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tether.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
        from .forces import forces_after_flush

        post_migrate.connect(forces_after_flush, sender=self)
