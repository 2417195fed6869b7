"""The Celery application. Its configuration is the CELERY_* block of settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.settings")

app = Celery("nzila")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
