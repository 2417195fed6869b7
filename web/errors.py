"""The server-error page (settings: the root URLconf's `handler500`): the site's header and a search
box in the buyer's language, rendered without the database (which may be what failed), so no
account menu; the 404 page is Django's own view with web/templates/404.html."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader


def server_error(request):
    template = loader.get_template("500.html")
    # The language form posts: it needs the token (from the cookie, not the session).
    return HttpResponseServerError(template.render({"request": request, "csrf_token": get_token(request)}))
