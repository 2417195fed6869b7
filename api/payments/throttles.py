"""Payment attempt limits per user (staff get a larger allowance), counted atomically in Redis."""

from __future__ import annotations

from django.conf import settings

from api.throttles import AtomicRateThrottle


class PaymentAttemptThrottle(AtomicRateThrottle):
    scope = "payment_attempts"

    def rate(self, request) -> str:
        return settings.PAYMENTS_STAFF_RATE if request.user.is_staff else settings.PAYMENTS_USER_RATE

    def key(self, request) -> str | None:
        if not request.user.is_authenticated:
            return None  # anonymous requests never get this far: the view requires a user
        return str(request.user.pk)
