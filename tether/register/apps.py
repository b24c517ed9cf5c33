from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "tether.register"
    label = "register"

    def ready(self) -> None:
        from .panels_travel import install

        install()
        # transfers between forces: their part of the registrant document and of the person page
        from . import extensions, transfer_documents, transfer_selectors

        transfer_documents.install()
        extensions.register_person_panel("transfers", transfer_selectors.person_panel)
