"""Routes of the versioned HTTP API (/api/v1/)."""

from django.urls import path

from . import health

urlpatterns = [
    path("health", health.HealthApi.as_view(), name="health"),
]
