from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tether.web"
    label = "web"
