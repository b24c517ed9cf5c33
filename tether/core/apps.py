from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tether.core"
    label = "core"
