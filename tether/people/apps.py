from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tether.people"
    label = "people"
