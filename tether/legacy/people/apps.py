from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The migration history of the person tables, now models of ``tether.register``."""

    name = "tether.legacy.people"
    label = "people"
