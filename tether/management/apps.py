from django.apps import AppConfig


class ManagementConfig(AppConfig):
    name = "tether.management"
    label = "management"
    verbose_name = "Risk-led management"

    def ready(self) -> None:
        # the register carries and shows management's part of a registrant; the daily sweep notices missed visits
        # and assessments, through the hooks the lower packages expose
        from tether.casework.services import register_sweep_step

        from . import register_extensions, sweep

        register_extensions.install()  # the document section, the person panel, duties from the register's outcome
        register_sweep_step("management", sweep.step)
