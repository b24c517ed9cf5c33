from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tether.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        # the register keeps identity's search keys in step and asks it for duplicates through its extension points
        from . import register_extensions

        register_extensions.install()
