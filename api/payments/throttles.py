"""Payment attempt limits per user (staff get a larger allowance), counted in the shared Redis cache."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PaymentAttemptThrottle(SimpleRateThrottle):
    scope = "payment_attempts"

    def __init__(self):
        # The rate depends on who asks; it is chosen in allow_request.
        pass

    def allow_request(self, request, view):
        user = request.user
        self.rate = settings.PAYMENTS_STAFF_RATE if user.is_staff else settings.PAYMENTS_USER_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # anonymous requests never get this far: the view requires a user
        return f"throttle_{self.scope}_{request.user.pk}"
