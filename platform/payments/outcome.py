"""What a provider says about a payment, in our terms: the one input of `services.apply_outcome`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ProviderOutcome:
    # Our state the provider's answer means; None when it says nothing new (still processing).
    state: str | None
    provider_status: str = ""
    provider_reference: str = ""
    transaction_id: str = ""
    # Money taken, in the payment's own currency (None: all of it when the state is succeeded).
    amount_captured: Decimal | None = None
    failure_code: str = ""
    failure_message: str = ""
    next_action: dict | None = None
    card: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
