"""Every notification a person can receive reads in French as well as in English, and the language of
someone who chose none follows their country."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.event_catalog import KINDS, PAYMENT_BUYER_NOTICES, PAYMENT_STAFF_ALERTS
from notifications.profiles import Profile

# The emitter words these (staff alerts in English, a generic event's own text): nothing to translate.
WORDED_BY_EMITTER = {*PAYMENT_STAFF_ALERTS, *PAYMENT_BUYER_NOTICES, "generic"}
CONTEXT = {
    "deal_id": 7,
    "vehicle": "2018 Toyota Hilux",
    "vehicle_id": 3,
    "price": "25000",
    "currency": "USD",
    "buyer_name": "Awa Koné",
    "dealer_name": "Lagos Motors",
    "dealer_id": 2,
    "stage": "deposit_paid",
    "days": 12,
    "reservation_id": None,
    "deposit": "1000",
    "respond_by": "2026-12-09 10:00 UTC",
    "amount": "500",
    "reference": "INV-1",
    "failure_code": "card_declined",
    "status": "in_transit",
    "eta": "",
    "destination_port": "Abidjan",
    "old_price": "30000",
    "new_price": "28000",
    "target_price": "29000",
    "saved_search": "Hilux",
    "week": "2026-W49",
    "deals": 2,
    "total": "300",
    "inquiry_id": 5,
}


@pytest.mark.parametrize("role", ["buyer", "dealer"])
@pytest.mark.parametrize("kind", sorted(set(KINDS) - WORDED_BY_EMITTER))
def test_every_message_reads_in_french(kind, role):
    context = {**CONTEXT, "role": role, "event": kind}
    with translation.override("en"):
        english = KINDS[kind].render(context)
    with translation.override("fr"):
        french = KINDS[kind].render(context)
    assert french.summary != english.summary and french.subject != english.subject


@pytest.mark.parametrize(
    ("chosen", "country", "language"),
    [
        ("", "CI", "fr"),  # Côte d'Ivoire
        ("", "SN", "fr"),  # Senegal (Wolof first, then French)
        ("", "CM", "fr"),  # Cameroon: French, then English
        ("", "KE", "en"),  # Kenya: Swahili (not ours), then English
        ("", "NG", "en"),
        ("", "", "en"),  # no buyer profile: the site's default
        ("en", "CI", "en"),  # what they chose wins
        ("fr", "GH", "fr"),
    ],
)
def test_messages_are_in_the_chosen_language_else_the_countrys(chosen, country, language):
    assert Profile(user_id=1, country=country, language=chosen).message_language() == language
