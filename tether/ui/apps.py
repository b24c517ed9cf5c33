from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "tether.ui"
    label = "ui"
