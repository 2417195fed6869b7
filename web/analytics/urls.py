"""The analysts' dashboard (/analytics/)."""

from django.urls import path

from . import views

app_name = "analytics_dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:slug>.csv", views.report_csv, name="report-csv"),
]
