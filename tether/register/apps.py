from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "tether.register"
    label = "register"

    def ready(self) -> None:
        from .panels_travel import install

        install()
