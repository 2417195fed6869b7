"""What every page's template needs to know about the visitor (language, currency)."""

from django.conf import settings


def shell(request):
    return {"display_currencies": settings.DISPLAY_CURRENCIES}
