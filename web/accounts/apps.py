from django.apps import AppConfig


class WebAccountsConfig(AppConfig):
    name = "web.accounts"
    # `accounts` is the app of roles, tokens and the audit (platform/accounts).
    label = "web_accounts"
