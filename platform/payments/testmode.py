"""Test mode: what the local stack offers a buyer instead of real money. Pure data, no provider.

Stripe.js cannot load on a machine without the internet, so in test mode the pay page offers the test
card numbers Stripe documents (https://docs.stripe.com/testing) and turns the chosen one into a
PaymentMethod server-side (`stripe_gateway.create_test_card`); everything after that (the PaymentIntent,
3-D Secure, the signed webhooks) is the production path. The operators' sandboxes decide a mobile-money
request by the payer's number, as MTN's sandbox does with its test numbers: the last two digits say
what the simulated payer does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from localstack.operator_simulators import payer


@dataclass(frozen=True)
class TestCard:
    key: str
    number: str
    label: str
    # What the local endpoint (localstripe) does with it, where that differs from Stripe.
    note: str = ""


TEST_CARDS = (
    TestCard("success", "4242424242424242", _("Visa, succeeds")),
    TestCard("declined", "4000000000000341", _("Visa, declined when charged")),
    TestCard("three_d_secure", "4000002760003184", _("Visa, 3-D Secure required")),
    TestCard(
        "insufficient_funds",
        "4000000000009995",
        _("Visa, insufficient funds"),
        note=_("the local test endpoint refuses it when the card is saved, before any charge"),
    ),
)
CARDS_BY_KEY = {card.key: card for card in TEST_CARDS}

# What the simulated payer does, by the last two digits of the number: one declaration, shared with the
# local stack's operator simulators (localstack/operator_simulators/payer.py).
PHONE_DECLINES = payer.DECLINES
PHONE_NEVER_ANSWERS = payer.NEVER_ANSWERS
PHONE_DECISION_SECONDS = payer.DECISION_SECONDS
# Seconds after which an unanswered prompt expires at the operator (M-Pesa's STK prompt lasts about a minute).
PHONE_PROMPT_EXPIRES_SECONDS = 60


def phone_outcome(phone: str) -> str:
    """`success`, `failed` (the payer declines) or `silent` (the prompt expires unanswered)."""
    return payer.outcome(phone)
