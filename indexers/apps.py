from django.apps import AppConfig


class IndexersConfig(AppConfig):
    name = "indexers"
    verbose_name = "Search sync"
