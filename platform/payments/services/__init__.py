"""Payment services: create an attempt, submit it to its provider, apply what the provider says,
cancel, refund, confirm operator callbacks. API views, webhooks, callbacks and Celery tasks all come
through here; each job lives in its own module and this package names the public surface."""

from .amounts import paid_towards_deal, paid_towards_invoice
from .callbacks import handle_airtel_callback, handle_callback
from .creation import create_payment
from .errors import IdempotencyKeyReused, PaymentBlocked, PaymentConflict, PaymentInputError, ProviderUnavailable
from .outcomes import apply_outcome
from .refunds import apply_stripe_refund, refund_payment
from .submission import RESUBMIT_WINDOW, callback_url, cancel_payment, refresh_payment, submit_payment

__all__ = [
    "RESUBMIT_WINDOW",
    "IdempotencyKeyReused",
    "PaymentBlocked",
    "PaymentConflict",
    "PaymentInputError",
    "ProviderUnavailable",
    "apply_outcome",
    "apply_stripe_refund",
    "callback_url",
    "cancel_payment",
    "create_payment",
    "handle_airtel_callback",
    "handle_callback",
    "paid_towards_deal",
    "paid_towards_invoice",
    "refresh_payment",
    "refund_payment",
    "submit_payment",
]
