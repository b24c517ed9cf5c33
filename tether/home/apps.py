from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "tether.home"
    label = "home"

    def ready(self) -> None:
        # the dashboard's stored counts go stale with every committed write to the register
        from . import counts

        counts.install()
