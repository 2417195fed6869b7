"""What every page's template needs to know about the visitor (language, currency)."""

from django.conf import settings


def shell(request):
    user = getattr(request, "user", None)
    # Test mode (no real money): the payment pages show a banner.
    context = {"display_currencies": settings.DISPLAY_CURRENCIES, "test_mode": settings.PAYMENTS_TEST_MODE}
    if user is not None and user.is_authenticated:
        from inquiries.selectors import buyer_unread

        # Called by the template only where it is shown (one COUNT for a signed-in visitor's page).
        context["unread_answers"] = lambda: buyer_unread(user.pk)
    return context
