from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendation log"
    default_auto_field = "django.db.models.BigAutoField"
