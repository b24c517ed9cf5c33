from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "tether.register"
    label = "register"

    def ready(self) -> None:
        from . import extensions
        from .views_legal import legal_panel

        extensions.register_person_panel("legal", legal_panel)  # the legal record on the person page
