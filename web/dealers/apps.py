from django.apps import AppConfig


class WebDealersConfig(AppConfig):
    name = "web.dealers"
    label = "web_dealers"
