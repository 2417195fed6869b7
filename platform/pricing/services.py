"""Dealers' answers to a hold: confirm the listed price as meant. A correction is an ordinary edit
(catalog.services.update_vehicle): its new `updated_at` gets the listing valued again either way."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from celery import current_app
from django.db import transaction
from django.utils import timezone

from catalog.services import dealer_vehicle

# Queued by name after the commit, for latency only: the scheduled sweep values the row anyway.
VALUE_CHANGED_TASK = "pricing.tasks.value_changed_vehicles"


class PriceChanged(Exception):
    """The listing's price is no longer the one the dealer was shown."""


def _kick_valuation() -> None:
    # The broker away: the scheduled sweep values the row within MARKET_VALUE_SWEEP_SECONDS.
    with contextlib.suppress(Exception):
        current_app.send_task(VALUE_CHANGED_TASK, retry=False)


def confirm_price(*, dealer_id: int, vehicle_id: int, price: Decimal) -> bool:
    """The dealer confirms `price` (the price they were shown) as meant for their held listing.

    Stores it as `price_confirmed` and moves `updated_at`, so the next valuation lifts the hold
    (pricing.serving: a confirmed price is not held) and the ordinary capture carries the listing back
    to search. Refused when the listing's price is no longer the one shown (changed meanwhile).
    Returns False when the listing is not held (nothing to confirm). Raises Vehicle.DoesNotExist for
    another dealer's vehicle."""
    with transaction.atomic():
        vehicle = dealer_vehicle(dealer_id, vehicle_id, lock=True)
        if not vehicle.held_reason:
            return False
        if vehicle.price != price:
            raise PriceChanged(f"listed at {vehicle.price}, confirmed {price}")
        vehicle.price_confirmed = vehicle.price
        vehicle.updated_at = timezone.now()
        vehicle.save(update_fields=["price_confirmed", "updated_at"])
        transaction.on_commit(_kick_valuation)
    return True
