"""The error answers of the root URLconf (`handler404`, `handler500`). Under /api/ they are the API's
JSON error shape (api.errors). Elsewhere: the server-error page, the site's header and a search box in
the buyer's language, rendered without the database (which may be what failed), so no account menu;
and Django's own 404 view with web/templates/404.html."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader
from django.views import defaults

from api import errors as api_errors

API_PREFIX = "/api/"


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return api_errors.not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return api_errors.server_error(request)
    template = loader.get_template("500.html")
    # The language form posts: it needs the token (from the cookie, not the session).
    return HttpResponseServerError(template.render({"request": request, "csrf_token": get_token(request)}))
