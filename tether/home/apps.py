from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "tether.home"
    label = "home"
