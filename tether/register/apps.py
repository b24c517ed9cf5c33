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
        from . import extensions
        from .prescribed import SECTIONS, person_panel

        # the 2012 prescribed items: parts of the registrant document, and a section of the person page
        for section in SECTIONS:
            extensions.register_section(section)
        extensions.register_person_panel("prescribed", person_panel)
        from . import extensions
        from .views_legal import legal_panel

        extensions.register_person_panel("legal", legal_panel)  # the legal record on the person page
        from . import partners

        extensions.register_person_panel("partners", partners.person_panel)  # who in partner agencies sees them
