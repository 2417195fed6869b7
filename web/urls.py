"""The buyers' pages (mounted at the site root)."""

app_name = "web"
urlpatterns: list = []
