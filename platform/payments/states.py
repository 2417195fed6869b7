"""The one payment state machine, for cards and mobile money alike. Pure: no database, no provider.

    created ─> pending ─> requires_action ─> succeeded ─> partially_refunded ─> refunded
       │          │              │              │  └──────────┬─────────────────────┘
       └──────────┴──────────────┴─> failed     └─> disputed <┘
                                  └─> canceled

A failed payment may still turn out to have succeeded (a card retried on the same PaymentIntent, a
mobile-money request the operator completed after we gave up on it): money the provider says it took
is never ignored, so failed -> succeeded is allowed. Nothing ever moves back to created or pending
from a final state, so a late or replayed provider message cannot undo a newer one.
"""

from __future__ import annotations

CREATED = "created"
PENDING = "pending"
REQUIRES_ACTION = "requires_action"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELED = "canceled"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
DISPUTED = "disputed"

ALL = (CREATED, PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, CANCELED, PARTIALLY_REFUNDED, REFUNDED, DISPUTED)

TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, CANCELED}),
    PENDING: frozenset({REQUIRES_ACTION, SUCCEEDED, FAILED, CANCELED}),
    REQUIRES_ACTION: frozenset({PENDING, SUCCEEDED, FAILED, CANCELED}),
    SUCCEEDED: frozenset({PARTIALLY_REFUNDED, REFUNDED, DISPUTED}),
    FAILED: frozenset({SUCCEEDED}),
    CANCELED: frozenset(),
    # A second partial refund keeps the state; the ledger still records it.
    PARTIALLY_REFUNDED: frozenset({PARTIALLY_REFUNDED, REFUNDED, DISPUTED}),
    REFUNDED: frozenset({DISPUTED}),
    # A dispute won restores the state it interrupted.
    DISPUTED: frozenset({SUCCEEDED, PARTIALLY_REFUNDED, REFUNDED}),
}

# Still waiting for the provider: the reconciler asks about these.
OPEN = frozenset({CREATED, PENDING, REQUIRES_ACTION})
# Money was taken (refunds and disputes happen only from here).
CAPTURED = frozenset({SUCCEEDED, PARTIALLY_REFUNDED, REFUNDED, DISPUTED})


class IllegalTransition(ValueError):
    """A transition the state machine does not allow; nothing was changed."""

    def __init__(self, from_state: str, to_state: str):
        super().__init__(f"a payment cannot go from {from_state} to {to_state}")
        self.from_state = from_state
        self.to_state = to_state


def can_transition(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    if to_state not in ALL or not can_transition(from_state, to_state):
        raise IllegalTransition(from_state, to_state)


def state_after_refunds(captured_minor: int, refunded_minor: int) -> str:
    """The state a captured payment is in once `refunded_minor` of it went back."""
    if refunded_minor <= 0:
        return SUCCEEDED
    return REFUNDED if refunded_minor >= captured_minor else PARTIALLY_REFUNDED
