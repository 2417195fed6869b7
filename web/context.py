"""What every page's template needs to know about the visitor (language, currency)."""

from django.conf import settings


def shell(request):
    # Test mode (no real money): the payment pages show a banner.
    return {"display_currencies": settings.DISPLAY_CURRENCIES, "test_mode": settings.PAYMENTS_TEST_MODE}
