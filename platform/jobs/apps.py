from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Worker-side bookkeeping (outcome counters, last run of each schedule) hangs on Celery signals.
        from . import monitoring  # noqa: F401
