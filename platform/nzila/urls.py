from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.metrics import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # Prometheus scrape target (staff session or the metrics bearer token): api/metrics.py.
    path("metrics", metrics_view, name="metrics"),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file of its own and no inline style (the Content-Security-Policy).
    path(
        "api/docs",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("i18n/", include("web.i18n_urls")),
    path("accounts/", include("web.accounts.urls")),
    path("analytics/", include("web.analytics.urls")),
    path("", include("web.dealers.urls")),
    path("", include("web.urls")),
]

# The error answers (by name: no import of a page): the API's JSON shape under /api/, else the pages
# with the site's header and a search box.
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
