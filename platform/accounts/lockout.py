"""How a refused sign-in answers (AXES_LOCKOUT_CALLABLE; axes' middleware sends it), and the middleware
that sets the device cookie (accounts.signin_guard)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .signin_guard import lockout_retry_after, set_device_cookie


def lockout_response(request, original_response=None, credentials=None):
    """A 429 with Retry-After: the API's JSON error shape under /api/, the page elsewhere."""
    retry_after = lockout_retry_after(request)
    refusal = getattr(request, "signin_refusal", None)
    reason = refusal.reason if refusal else "pair"
    if request.path.startswith("/api/"):
        message = _("Too many failed sign-ins. Try again in %(seconds)d seconds.") % {"seconds": retry_after}
        response = JsonResponse({"error": {"code": "throttled", "message": message}}, status=429)
    else:
        context = {"retry_after": retry_after, "minutes": max(1, (retry_after + 59) // 60), "reason": reason}
        response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def device_cookie_middleware(get_response):
    """Gives a browser that just signed someone in its device cookie (accounts.signin_guard)."""

    def middleware(request):
        response = get_response(request)
        set_device_cookie(request, response)
        return response

    return middleware
