from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendation log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the log's task in every process, web included: the buffer queues it by name
        # (buffer.py sits below search and never imports tasks.py).
        from . import tasks  # noqa: F401
