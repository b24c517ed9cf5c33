from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "tether.register"
    label = "register"

    def ready(self) -> None:
        from . import extensions
        from .prescribed import SECTIONS, person_panel

        # the 2012 prescribed items: parts of the registrant document, and a section of the person page
        for section in SECTIONS:
            extensions.register_section(section)
        extensions.register_person_panel("prescribed", person_panel)
