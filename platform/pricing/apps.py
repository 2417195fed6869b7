from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "Market value"
    default_auto_field = "django.db.models.BigAutoField"
