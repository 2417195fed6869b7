from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = "Backups of the system of record"

    def ready(self):
        # Beat names the task; every worker must know it.
        from . import tasks  # noqa: F401
