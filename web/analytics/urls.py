"""The analysts' dashboard (/analytics/)."""

app_name = "analytics_dashboard"
urlpatterns: list = []
