from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "tether.register"
    label = "register"
