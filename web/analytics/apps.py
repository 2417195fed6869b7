from django.apps import AppConfig


class WebAnalyticsConfig(AppConfig):
    name = "web.analytics"
    label = "web_analytics"
