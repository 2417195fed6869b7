"""Switching the site's language: Django's own view (the cookie, the redirect back), and for a
signed-in person the same choice kept as the language of their WhatsApp and e-mail messages."""

from __future__ import annotations

from django.conf import settings
from django.views.i18n import set_language as django_set_language

from notifications.services import preferences_update


def set_language(request):
    response = django_set_language(request)
    chosen = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        preferences_update(user=request.user, language=chosen)
    return response
