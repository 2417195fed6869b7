"""What payment services refuse with; the API maps each to its HTTP status."""

from __future__ import annotations


class PaymentInputError(ValueError):
    """Bad input, named by field; the API answers 400."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PaymentConflict(Exception):
    """Another attempt for the same thing is still open; the API answers 409."""

    def __init__(self, message: str, payment_id=None):
        super().__init__(message)
        self.payment_id = payment_id


class IdempotencyKeyReused(Exception):
    """An Idempotency-Key already used with a different request; the API answers 422."""


class PaymentBlocked(Exception):
    """Too many failed payments from this IP address or card; the API answers 429."""


class ProviderUnavailable(Exception):
    """The provider could not be reached after retries; the attempt is kept and can be resubmitted."""
