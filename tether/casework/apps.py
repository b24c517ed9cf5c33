from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "tether.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        # the register shows and carries casework's part of a registrant through its extension points
        from . import register_extensions, transfers

        register_extensions.install()
        transfers.install()  # transfers between forces: the receiving force's task, escalations, the deadline
        from . import review_tasks

        review_tasks.install()  # a review of indefinite notification: the owning force's task to decide it
