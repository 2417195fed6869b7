from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Connects the sign-in audit's signal receivers; registers the token scheme with drf-spectacular.
        from . import audit, schema  # noqa: F401
