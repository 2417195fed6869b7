"""Payment attempt limits per user (staff get a larger allowance), counted atomically in Redis.

What counts is an attempt that reached a provider: a request takes a slot when it arrives (one atomic
INCR, so parallel requests cannot pass together beyond the limit) and the view gives it back when the
request ends without sending anything to a provider (the buyer's own 400s, a conflict, a replayed
Idempotency-Key, a blocked card). A buyer who mistypes ten times can still pay; a card tester whose
every attempt reaches Stripe is stopped at the limit."""

from __future__ import annotations

from django.conf import settings

from api.throttles import AtomicRateThrottle


class PaymentAttemptThrottle(AtomicRateThrottle):
    scope = "payment_attempts"

    def rate(self, request) -> str:
        return settings.PAYMENTS_STAFF_RATE if request.user.is_staff else settings.PAYMENTS_USER_RATE

    def allow_request(self, request, view) -> bool:
        view.attempt_slot = self  # the view gives it back if the request never reaches a provider
        return super().allow_request(request, view)

    def key(self, request) -> str | None:
        if not request.user.is_authenticated:
            return None  # anonymous requests never get this far: the view requires a user
        return str(request.user.pk)
