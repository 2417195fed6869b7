"""Lead-score reasons are stored in English and shown in the reader's language."""

from __future__ import annotations

from django.utils import translation

from scoring.features import FEATURES, LABELS
from scoring.rules import RULE_LABELS
from scoring.selectors import shown_label


def test_every_feature_and_rule_has_a_label():
    assert set(FEATURES) <= set(LABELS)
    assert set(RULE_LABELS) == {"engagement", "price_band", "source", "buyer_history", "lead_age", "broker"}


def test_a_stored_english_reason_reads_in_french_and_stays_english_in_english():
    model_reason = {"feature": "price_vs_market", "label": "Price against market", "value": 0.92, "effect": 0.11}
    rule_reason = {"feature": "engagement", "label": "Engagement", "value": None, "effect": 30}
    with translation.override("fr"):
        assert shown_label(model_reason) == "Prix face au marché"
        assert shown_label(rule_reason) == "Engagement"
        assert shown_label({"feature": "broker", "label": "Broker"}) == "Courtier"
    with translation.override("en"):
        assert shown_label(model_reason) == "Price against market"


def test_a_reason_of_an_older_model_keeps_its_stored_label():
    with translation.override("fr"):
        assert shown_label({"feature": "retired_feature", "label": "Retired feature"}) == "Retired feature"
